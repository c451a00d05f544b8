"""What the lab's row-level security costs (JSON): enqueue → Running and the 1,000,000-task table query on
PostgreSQL, with the rules on and off, as a researcher's and a worker's logins would see them.

usage: .venv/bin/python bench/bench_lab.py [--tasks N] [--dispatch N] [--blocks B] [--pg URL]
Without --pg (or $TASKTUNE_BENCH_PG, a superuser's URL) it starts a throwaway PostgreSQL cluster, as the tests
do. Goals: dispatch p50 < 50 ms (bench_pg_dispatch's) and the table query < 100 ms (bench_list's), rules on.
The table is filled inside the server (generate_series: tens of seconds for a million tasks); dispatches run in
alternating blocks, rules on then off, so the machine's drift falls on both alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_dispatch import make_repo, measure
from bench_list import PROJECT, STATUSES
from bench_pg_dispatch import warm_worker
from common import emit, percentiles, postgres_databases, summary, time_ms
from sqlalchemy.engine import make_url

from tasktune_gui.core import lab
from tasktune_gui.core.api import Core
from tasktune_gui.core.tasks import TaskQuery

GOAL_DISPATCH_P50_MS = 50
GOAL_DISPATCH_P99_MS = 200
GOAL_QUERY_MS = 100
PROJECTS = 50
# Values for the task columns the generated rows set; every other NOT NULL column gets its type's empty value.
GENERATED = {
    "id": "lpad(to_hex(n), 16, '0')",
    "name": "'run ' || n",
    "project_id": "(SELECT id FROM project WHERE name = 'project-' || lpad(mod(n, {projects})::text, 2, '0'))",
    "status": "(ARRAY[{statuses}])[1 + mod(n, {count})]",
    "created": "now() - mod(n::bigint * 7919, 7776000) * interval '1 second'",
    "last_update": "now() - mod(n::bigint * 7919, 7776000) * interval '1 second'",
    "user": "(ARRAY['alice', 'bo', 'chen'])[1 + mod(n, 3)]",
    "labels": "'{{}}'::json",
    "type": "'training'",
}
EMPTY = {"boolean": "false", "integer": "0", "bigint": "0", "double precision": "0", "json": "'{}'::json"}


def login_url(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def fill(owner: Core, tasks: int) -> float:
    """Seconds to add `tasks` tasks over PROJECTS projects, triggers off (the counts are made after)."""
    start = time.perf_counter()
    with owner.store.write_engine.begin() as conn:
        columns = conn.exec_driver_sql(
            "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_name = 'task' ORDER BY ordinal_position").all()
        names, values = [], []
        for name, data_type, nullable, default in columns:
            expression = GENERATED.get(name)
            if expression is None and (nullable == "YES" or default is not None):
                continue
            names.append(f'"{name}"')
            values.append(expression or EMPTY.get(data_type, "''"))
        statuses = ", ".join(f"'{s}'" for s in STATUSES)
        select = ", ".join(values).format(projects=PROJECTS, statuses=statuses, count=len(STATUSES))
        for p in range(PROJECTS):
            conn.exec_driver_sql(f"INSERT INTO project (name, description, created, last_update) "
                                 f"VALUES ('project-{p:02d}', '', now(), now())")
        conn.exec_driver_sql("ALTER TABLE task DISABLE TRIGGER USER")
        conn.exec_driver_sql(f"INSERT INTO task ({', '.join(names)}) SELECT {select} "
                             f"FROM generate_series(1, {tasks}) AS n")
        conn.exec_driver_sql("ALTER TABLE task ENABLE TRIGGER USER")
        conn.exec_driver_sql("INSERT INTO task_count (project_id, status, n) SELECT project_id, status, count(*) "
                             "FROM task WHERE NOT archived GROUP BY project_id, status")
    with owner.store.write_engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - start


def set_rules(owner: Core, on: bool) -> None:
    with owner.store.write_engine.begin() as conn:
        database = str(conn.exec_driver_sql("SELECT current_database()").scalar())
        for statement in (lab.security_statements(database) if on else lab.disable_statements()):
            conn.exec_driver_sql(statement)


def table_queries(owner: Core, url: str, repeat: int, rounds: int) -> dict[str, Any]:
    """bench_list's query (one project's completed tasks, newest first, 100 rows) and the all-projects first
    page, as alice (a researcher), in alternating rounds with the rules on and off."""
    query = TaskQuery(project=PROJECT, statuses=["completed"], order_by="last_update", limit=100)
    first_page = TaskQuery(order_by="last_update", limit=100)
    samples: dict[tuple[bool, str], list[float]] = {}
    core = Core.open(url)
    try:
        rows = len(core.tasks.query(query))
        for round_ in range(rounds * 2):
            on = round_ % 2 == 0
            set_rules(owner, on)
            core.tasks.query(query)  # the first run after ALTER TABLE plans anew
            samples.setdefault((on, "project"), []).extend(time_ms(lambda: core.tasks.query(query), repeat))
            samples.setdefault((on, "all"), []).extend(time_ms(lambda: core.tasks.query(first_page), repeat))
    finally:
        core.close()
        set_rules(owner, True)
    return {"rows": rows, **{
        f"rules_{'on' if on else 'off'}_{'project_status' if what == 'project' else 'all_projects'}_first_100":
            summary(values, GOAL_QUERY_MS) for (on, what), values in samples.items()}}


def dispatch(owner: Core, url: str, folder: Path, count: int, blocks: int) -> dict[str, Any]:
    """Enqueue → Running: alice enqueues, a `tasktune worker` process logged in as gpu runs; blocks on and off."""
    repo = make_repo(folder)
    alice = Core.open(login_url(url, "alice"))
    owner.queues.ensure("bench")
    samples: dict[bool, list[float]] = {True: [], False: []}
    try:
        with warm_worker(alice, login_url(url, "gpu"), repo, folder / "cache"):
            for block in range(blocks * 2):
                on = block % 2 == 0
                set_rules(owner, on)
                samples[on] += measure(alice, repo, count // blocks)
    finally:
        alice.close()
        set_rules(owner, True)
    return {"rules_on": percentiles("enqueue_to_running_rls_on", samples[True], GOAL_DISPATCH_P50_MS,
                                    GOAL_DISPATCH_P99_MS),
            "rules_off": percentiles("enqueue_to_running_rls_off", samples[False], GOAL_DISPATCH_P50_MS,
                                     GOAL_DISPATCH_P99_MS)}


def lab_owner(url: str) -> Core:
    """The database opened by its owner, with the logins the benchmark acts as."""
    owner = Core.open(url)
    with owner.store.write_engine.begin() as conn:
        lab.add_user(conn, "alice", "researcher")
        lab.add_user(conn, "gpu", "worker")
    return owner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000, help="tasks in the table the query reads")
    parser.add_argument("--dispatch", type=int, default=200, help="dispatches timed in each mode")
    parser.add_argument("--blocks", type=int, default=4, help="alternating blocks per mode")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query in each block")
    parser.add_argument("--pg", default=os.environ.get("TASKTUNE_BENCH_PG"), help="a superuser's PostgreSQL URL")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-lab-"))
    try:
        with postgres_databases(options.pg, "bench_lab") as new_database:
            owner = lab_owner(new_database())
            fill_seconds = fill(owner, options.tasks)
            queries = table_queries(owner, login_url(owner.store.url, "alice"), options.repeat, options.blocks)
            owner.close()
            owner = lab_owner(new_database())
            dispatched = dispatch(owner, owner.store.url, folder, options.dispatch, options.blocks)
            owner.close()
        result = {
            "benchmark": "lab_row_level_security",
            "tasks": options.tasks,
            "fill_seconds": round(fill_seconds, 1),
            "table_query": queries,
            "dispatch": dispatched,
            "load_average": [round(v, 2) for v in os.getloadavg()],
        }
        result["ok"] = bool(queries["rules_on_project_status_first_100"]["ok"] and dispatched["rules_on"]["ok"])
        emit(result)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

if __name__ == "__main__":
    main()
