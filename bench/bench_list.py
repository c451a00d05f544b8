"""`list` of one project's tasks by status, sorted by last update, first 100 rows, among 1,000,000 tasks.

Goal < 100 ms. The database is built once with bulk inserts and kept in bench/out/ for later runs.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta

from common import OUT, emit, summary, time_ms
from sqlalchemy import insert

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Project, Task, utcnow
from tasktune_gui.core.tasks import TaskQuery

PROJECTS = 50
STATUSES = ["draft", "pending", "running", "aborted", "completed", "failed", "published"]
BATCH = 50_000


def build(core: Core, tasks: int) -> float:
    start = time.perf_counter()
    rng = random.Random(7)
    now = utcnow()
    with core.store.write() as session:
        projects = [Project(name=f"project-{p:02d}") for p in range(PROJECTS)]
        session.add_all(projects)
        session.flush()
        project_ids = [p.id for p in projects]
    for first in range(0, tasks, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, tasks)):
            when = now - timedelta(seconds=rng.randrange(90 * 24 * 3600))
            rows.append({"id": f"{n:016x}", "name": f"run {n}", "project_id": rng.choice(project_ids),
                         "status": rng.choice(STATUSES), "created": when, "last_update": when, "labels": {},
                         "user": rng.choice(["ana", "bo", "chen"])})
        with core.store.write() as session:
            session.execute(insert(Task), rows)
    with core.store.write() as session:
        session.connection().exec_driver_sql("ANALYZE")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1_000_000)
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"list-{options.tasks}.db"
    fresh = not path.exists()
    core = Core.open(f"sqlite:///{path}")
    build_seconds = build(core, options.tasks) if fresh else None
    filtered = TaskQuery(project="project-07", statuses=["completed"], order_by="last_update", limit=100)
    first_call = time_ms(lambda: core.tasks.query(filtered), repeat=1)[0]
    result = {
        "benchmark": "list",
        "tasks": options.tasks,
        "build_seconds": round(build_seconds, 1) if build_seconds else "cached",
        "first_call_ms": round(first_call, 3),
        "project_status_first_100": summary(time_ms(lambda: core.tasks.query(filtered), repeat=20), goal_ms=100),
        "all_projects_first_100": summary(time_ms(lambda: core.tasks.query(TaskQuery(limit=100)), repeat=20),
                                          goal_ms=100),
        "count_project_status": summary(time_ms(lambda: core.tasks.count(filtered), repeat=5), goal_ms=100),
    }
    emit(result)
    core.close()


if __name__ == "__main__":
    main()
