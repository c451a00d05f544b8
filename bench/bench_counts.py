"""The dashboard's project counts on a large database: kept counts against the index scan they replace.

usage: .venv/bin/python bench/bench_counts.py [--tasks N] [--repeat R]

Prints JSON: the project summaries (what the dashboard and the Projects page read) from the kept counts, warm
and on a newly opened database; the GROUP BY over the task index that earlier versions ran, for comparison; and
what the triggers cost a write (an enqueue and a dequeue, with and without them, on copies of a small database).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from bench_list import build
from common import OUT, emit, summary, time_ms
from sqlalchemy import func
from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task

GOAL_MS = 300  # issue 15: the dashboard's counts must not hold up the dashboard
TRIGGERS = ("task_count_insert", "task_count_delete", "task_count_update")


def scan(core: Core) -> None:
    """The counting query of earlier versions: every index entry of the task table, grouped."""
    with core.store.read() as session:
        session.exec(select(Task.project_id, Task.archived, Task.status, func.count())
                     .group_by(col(Task.project_id), col(Task.archived), col(Task.status))).all()


def cold_summaries(url: str, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        core = Core.open(url)
        samples += time_ms(core.projects.summaries, 1)
        core.close()
    return samples


def write_cost(repeat: int) -> dict[str, float]:
    """Milliseconds per enqueue + dequeue of one task, with the triggers and with them dropped."""
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-counts-"))
    figures = {}
    for kept in (True, False):
        path = folder / f"{kept}.db"
        core = Core.open(f"sqlite:///{path}")
        task = core.tasks.add(Task(id="", name="t", repository="/r", entry_point="t.py"), "p")
        core.close()
        if not kept:
            with closing(sqlite3.connect(path)) as conn:
                conn.executescript("".join(f"DROP TRIGGER {name};" for name in TRIGGERS))
        core = Core.open(f"sqlite:///{path}")

        def round_trip(core: Core = core, task: str = task) -> None:
            core.lifecycle.enqueue(task, "default")
            core.lifecycle.dequeue(task)

        figures["with_triggers" if kept else "without_triggers"] = summary(time_ms(round_trip, repeat), 1e9)
        core.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {name: figure["median_ms"] for name, figure in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"list-{options.tasks}.db"  # the same database as bench_list.py and bench_window.py
    if not path.exists():
        build(path, options.tasks)
    url = f"sqlite:///{path}"
    core = Core.open(url)
    core.projects.summaries()  # a database built before kept counts is upgraded and compacted on this first read
    result = {
        "benchmark": "project_counts",
        "tasks": options.tasks,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "summaries_warm": summary(time_ms(core.projects.summaries, options.repeat), GOAL_MS),
        "index_scan_they_replace_warm": summary(time_ms(lambda: scan(core), options.repeat), GOAL_MS),
    }
    core.close()
    result["summaries_newly_opened"] = summary(cold_summaries(url, options.repeat), GOAL_MS)
    result["enqueue_and_dequeue_ms"] = write_cost(options.repeat * 10)
    result["ok"] = result["summaries_warm"]["ok"] and result["summaries_newly_opened"]["ok"]
    emit(result)


if __name__ == "__main__":
    main()
