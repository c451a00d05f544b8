"""`list` of one project's tasks by status, newest update first, first 100 rows, among 1,000,000 tasks (JSON).

Goal < 100 ms. The database is built once with bulk inserts and kept in bench/out/ (git-ignored), keyed by the
number of tasks, for later runs; `--rebuild` builds it again.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta
from pathlib import Path

from common import OUT, emit, query_plan, summary, time_ms
from sqlalchemy import insert

from tasktune_gui.core.api import Core
from tasktune_gui.core.counts import compact
from tasktune_gui.core.models import Project, Task, utcnow
from tasktune_gui.core.tasks import TaskQuery

PROJECTS = 50
STATUSES = ["draft", "pending", "running", "aborted", "completed", "failed", "published"]
BATCH = 50_000
GOAL_MS = 100
PROJECT = "project-07"
RARE_PROJECT = "project-rare"  # about 1 task in 5,000: a small project among many large ones
RARE_SHARE = 0.0002


def build(path: Path, tasks: int) -> float:
    """Seconds to fill a new database at `path`: tasks spread over the projects, statuses and 90 days."""
    start = time.perf_counter()
    partial = path.with_name(path.name + ".part")  # renamed into place only once complete
    partial.unlink(missing_ok=True)
    core = Core.open(f"sqlite:///{partial}")
    rng = random.Random(7)
    now = utcnow()
    with core.store.write() as session:
        projects = [Project(name=f"project-{p:02d}") for p in range(PROJECTS)]
        rare = Project(name=RARE_PROJECT)
        session.add_all([*projects, rare])
        session.flush()
        project_ids = [p.id for p in projects]
        rare_id = rare.id
    table = Task.__table__  # type: ignore[attr-defined]
    for first in range(0, tasks, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, tasks)):
            project = rare_id if rng.random() < RARE_SHARE else rng.choice(project_ids)
            when = now - timedelta(seconds=rng.randrange(90 * 24 * 3600))
            rows.append({"id": f"{n:016x}", "name": f"run {n}", "project_id": project,
                         "status": rng.choice(STATUSES), "created": when, "last_update": when, "labels": {},
                         "user": rng.choice(["ana", "bo", "chen"])})
        with core.store.write() as session:
            session.connection().execute(insert(table), rows)  # one executemany per batch
    compact(core.store)  # the triggers appended a count row per task: fold them as a long-lived database has
    with core.store.write() as session:
        session.connection().exec_driver_sql("ANALYZE")
    raw = core.store.engine.raw_connection()  # outside a transaction: the log must be folded in before the rename
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    core.close()
    partial.rename(path)
    return time.perf_counter() - start


def cold_ms(url: str, query: TaskQuery, repeat: int) -> list[float]:
    """The query on a newly opened Core each time: SQLite's page cache is empty, the OS's is not."""
    samples = []
    for _ in range(repeat):
        core = Core.open(url)
        start = time.perf_counter()
        core.tasks.query(query)
        samples.append((time.perf_counter() - start) * 1000)
        core.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000, help="tasks in the database")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each warm query")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"list-{options.tasks}.db"
    if options.rebuild:
        path.unlink(missing_ok=True)
    build_seconds = None if path.exists() else build(path, options.tasks)
    url = f"sqlite:///{path}"
    filtered = TaskQuery(project=PROJECT, statuses=["completed"], order_by="last_update", limit=100)
    two_statuses = TaskQuery(project=PROJECT, statuses=["completed", "failed"], order_by="last_update", limit=100)
    rare = TaskQuery(project=RARE_PROJECT, statuses=["completed"], order_by="last_update", limit=100)
    first_page = TaskQuery(order_by="last_update", limit=100)
    cold = cold_ms(url, filtered, repeat=5)
    core = Core.open(url)
    rows = len(core.tasks.query(filtered))
    result = {
        "benchmark": "list",
        "tasks": options.tasks,
        "build_seconds": round(build_seconds, 1) if build_seconds is not None else "cached",
        "query": f"project={PROJECT} status=completed order_by=last_update desc limit=100 -> {rows} rows",
        "project_status_first_100_cold": summary(cold, GOAL_MS),
        "project_status_first_100": summary(time_ms(lambda: core.tasks.query(filtered), options.repeat), GOAL_MS),
        "project_two_statuses_first_100": summary(time_ms(lambda: core.tasks.query(two_statuses), options.repeat),
                                                  GOAL_MS),
        "small_project_status_first_100": summary(time_ms(lambda: core.tasks.query(rare), options.repeat), GOAL_MS),
        "all_projects_first_100": summary(time_ms(lambda: core.tasks.query(first_page), options.repeat), GOAL_MS),
        "count_project_status": summary(time_ms(lambda: core.tasks.count(filtered), options.repeat), GOAL_MS),
        "count_all": summary(time_ms(lambda: core.tasks.count(TaskQuery()), 5), GOAL_MS),
        "plan_project_status": query_plan(core, lambda: core.tasks.query(filtered)),
        "plan_small_project_status": query_plan(core, lambda: core.tasks.query(rare)),
        "plan_all_projects": query_plan(core, lambda: core.tasks.query(first_page)),
    }
    goals = [v["ok"] for k, v in result.items() if isinstance(v, dict) and k.startswith(("project", "small"))]
    result["ok"] = all(goals)
    emit(result)
    core.close()


if __name__ == "__main__":
    main()
