"""Lab mode dispatch: enqueue → Running on a worker in another process, on PostgreSQL next to SQLite (JSON).

usage: .venv/bin/python bench/bench_pg_dispatch.py [TASKS] [--pg URL]
Without --pg (or $TASKTUNE_BENCH_PG) it starts a throwaway PostgreSQL cluster (initdb, as the tests do).
The worker process wakes on LISTEN/NOTIFY on PostgreSQL and on data_version on SQLite; its fallback poll
stays at the default 1 s, so a missed wake-up shows as a p99 near a second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_dispatch import make_repo, measure
from common import percentiles, postgres_databases, worker_process

from tasktune_gui.core.api import Core

GOAL_P50_MS = 50
GOAL_P99_MS = 200
COUNT_TRIGGERS_OFF = {
    "postgresql": ("DROP TRIGGER task_count_update ON task", "DROP TRIGGER task_count_insert_delete ON task"),
    "sqlite": ("DROP TRIGGER task_count_insert", "DROP TRIGGER task_count_delete", "DROP TRIGGER task_count_update"),
}


@contextmanager
def warm_worker(core: Core, worker_url: str, repo: Path, cache: Path) -> Iterator[None]:
    """A `tasktune worker` process watching the queue "bench" as `worker_url`'s login, once `core` sees it watch
    and it has run a few tasks (the first run mirrors the repository); stopped after."""
    process = worker_process(worker_url, "bench", cache)
    try:
        deadline = time.monotonic() + 60
        while core.queues.summaries()[0].workers == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        measure(core, repo, 3)
        yield
    finally:
        process.terminate()
        process.wait()


def dispatch(url: str, folder: Path, repo: Path, count: int, name: str, counted: bool = True) -> dict[str, object]:
    core = Core.open(url)
    try:
        if not counted:  # the kept project counts' triggers off: what they cost a dispatch, side by side
            with core.store.write() as session:
                for statement in COUNT_TRIGGERS_OFF[core.store.dialect]:
                    session.connection().exec_driver_sql(statement)
        core.queues.ensure("bench")
        with warm_worker(core, url, repo, folder / f"cache-{name}"):
            return percentiles(f"enqueue_to_running_worker_process_{name}", measure(core, repo, count),
                               GOAL_P50_MS, GOAL_P99_MS)
    finally:
        core.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tasks", type=int, nargs="?", default=200)
    parser.add_argument("--pg", default=os.environ.get("TASKTUNE_BENCH_PG"), help="a PostgreSQL URL to use")
    parser.add_argument("--without-count-triggers", action="store_true",
                        help="drop the kept project counts' triggers first (to compare what they cost)")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-"))
    repo = make_repo(folder)
    counted = not options.without_count_triggers
    try:
        with postgres_databases(options.pg, "bench_pg_dispatch") as new_database:
            result = {
                "postgresql": dispatch(new_database(), folder, repo, options.tasks, "postgresql", counted),
                "sqlite": dispatch(f"sqlite:///{folder / 'bench.db'}", folder, repo, options.tasks, "sqlite",
                                   counted),
                "count_triggers": counted,
                "load_average": [round(v, 2) for v in os.getloadavg()],
            }
        result["ok"] = bool(result["postgresql"]["ok"])  # type: ignore[index]
        print(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
