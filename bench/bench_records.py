"""Whole task records in bulk: 100 tasks with their hyperparameters, configuration, metrics, tags and runtime.

usage: .venv/bin/python bench/bench_records.py [--tasks N] [--repeat R]

On bench_list.py's database (1,000,000 tasks by default), 100 tasks spread over it are given 20 hyperparameters,
2 configuration objects, 5 metrics and 3 tags each (once; they carry the tag `bench-records`), then read as typed
records in one call (`Core.task_records`, a fixed number of queries) and, for comparison, one task at a time.
"""

from __future__ import annotations

import argparse
import os
import random

from bench_list import build
from common import OUT, emit, summary, time_ms
from sqlmodel import select

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import ConfigObject, Hyperparameter, LastMetric, TaskTag

GOAL_MS = 10  # issue 15: 100 whole records at a million tasks
TAG = "bench-records"


def dressed_tasks(core: Core, tasks: int) -> list[str]:
    """The 100 tasks this bench reads, given their parts the first time."""
    with core.store.read() as session:
        ids = list(session.exec(select(TaskTag.task_id).where(TaskTag.tag == TAG)).all())
    if len(ids) == 100:
        return ids
    rng = random.Random(11)
    ids = [f"{n:016x}" for n in rng.sample(range(tasks), 100)]
    with core.store.write() as session:  # rows as a long-used database holds them (a bench, not a task's path)
        for task_id in ids:
            session.add_all([Hyperparameter(task_id=task_id, section="Args", name=f"p{i}", position=i,
                                            value=str(i / 10), type="float") for i in range(20)])
            session.add_all([ConfigObject(task_id=task_id, name="model", position=0, value="layers: 3\n" * 20,
                                          type="yaml"),
                             ConfigObject(task_id=task_id, name="data", position=1, value='{"root": "/data"}',
                                          type="json")])
            session.add_all([TaskTag(task_id=task_id, tag=tag) for tag in (TAG, "sweep", "baseline")])
            session.add_all([LastMetric(task_id=task_id, metric=f"m{m}", series="train", value=m / 7, iteration=1)
                             for m in range(5)])
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"list-{options.tasks}.db"
    if not path.exists():
        build(path, options.tasks)
    core = Core.open(f"sqlite:///{path}")
    ids = dressed_tasks(core, options.tasks)
    records = core.task_records(ids)
    assert len(records) == 100
    assert all(len(r.hyperparams["Args"]) == 20 for r in records)
    result = {
        "benchmark": "task_records",
        "tasks": options.tasks,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "records_100_in_bulk": summary(time_ms(lambda: core.task_records(ids), options.repeat), GOAL_MS),
        "records_100_as_json_in_bulk": summary(
            time_ms(lambda: [r.to_json() for r in core.task_records(ids)], options.repeat), GOAL_MS),
        "records_100_one_at_a_time": summary(
            time_ms(lambda: [core.task_json(task_id) for task_id in ids], max(3, options.repeat // 5)), GOAL_MS),
    }
    core.close()
    result["ok"] = result["records_100_in_bulk"]["ok"]
    emit(result)


if __name__ == "__main__":
    main()
