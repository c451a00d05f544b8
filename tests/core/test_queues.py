"""Queues: FIFO, moves, watchers, priorities, and an atomic pop across many processes."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, update
from sqlmodel import col

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import QueueNotFound, TaskTuneError
from tasktune_gui.core.ids import new_id
from tasktune_gui.core.lookup import get_queue
from tasktune_gui.core.models import Project, QueueEntry, Task, Worker, utcnow
from tasktune_gui.core.queues import Taken
from tasktune_gui.core.status import TaskType
from tests.support.lifecycle import new_task


def ids_in(core: Core, queue: str) -> list[str]:
    return [entry.task_id for entry in core.queues.entries(queue)]


def test_fifo_moves_and_positions(core: Core) -> None:
    tasks = [new_task(core, f"t{i}", details=False) for i in range(4)]
    for task_id in tasks:
        core.lifecycle.enqueue(task_id)
    assert ids_in(core, "default") == tasks
    assert [e.position for e in core.queues.entries("default")] == [1, 2, 3, 4]
    a, b, c, d = tasks
    core.queues.move(d, "front")
    assert ids_in(core, "default") == [d, a, b, c]
    core.queues.move(d, "back")
    assert ids_in(core, "default") == [a, b, c, d]
    core.queues.move(c, "up")
    assert ids_in(core, "default") == [a, c, b, d]
    core.queues.move(a, "down")
    assert ids_in(core, "default") == [c, a, b, d]
    core.queues.move(c, "up")  # already first: nothing moves
    assert ids_in(core, "default") == [c, a, b, d]
    core.lifecycle.dequeue(a)
    assert ids_in(core, "default") == [c, b, d]
    assert core.queues.pop(["default"], worker="w") == c
    assert core.tasks.get(c).status == "running"
    assert core.tasks.get(c).worker == "w"
    with pytest.raises(TaskTuneError, match="not in a queue"):
        core.queues.move(a, "front")


def test_pop_follows_queue_priority_and_empty_queues_give_none(core: Core) -> None:
    core.queues.create("gpu")
    low, high = new_task(core, "low", details=False), new_task(core, "high", details=False)
    core.lifecycle.enqueue(low, "default")
    core.lifecycle.enqueue(high, "gpu")
    assert core.queues.pop(["gpu", "default"]) == high
    assert core.queues.pop(["gpu", "default"]) == low
    assert core.queues.pop(["gpu", "default", "missing"]) is None


def test_a_pop_says_which_kind_of_task_it_took(core: Core) -> None:
    # A worker runs an optimizer's search itself, a training task on a backend: the type comes with the pop,
    # not in a read of its own on the dispatch thread.
    training, optimizer = new_task(core, "train", details=False), new_task(core, "sweep", details=False)
    with core.store.write() as session:
        session.execute(update(Task).where(col(Task.id) == optimizer).values(type=TaskType.OPTIMIZER.value))
    core.lifecycle.enqueue(training, "default")
    core.lifecycle.enqueue(optimizer, "default")
    assert core.queues.pop_taken(["default"], "w") == Taken(training, TaskType.TRAINING)
    assert core.queues.pop_taken(["default"], "w") == Taken(optimizer, TaskType.OPTIMIZER)
    assert core.queues.pop_taken(["default"], "w") is None


def test_queue_admin(core: Core) -> None:
    assert [q.name for q in core.queues.summaries()] == ["default"]
    core.queues.create("cpu")
    with pytest.raises(TaskTuneError, match="already exists"):
        core.queues.create("cpu")
    task_id = new_task(core, details=False)
    core.lifecycle.enqueue(task_id, "cpu")
    with pytest.raises(TaskTuneError, match="1 pending"):
        core.queues.delete("cpu")
    with pytest.raises(TaskTuneError, match="default"):
        core.queues.delete("default")
    with pytest.raises(QueueNotFound, match="queues: cpu, default"):
        core.lifecycle.enqueue(new_task(core, details=False), "nope")
    core.lifecycle.dequeue(task_id)
    core.queues.delete("cpu")
    assert core.queues.ensure("cpu") is True
    assert core.queues.ensure("cpu") is False


def test_watchers_count_only_live_workers(core: Core) -> None:
    live = core.workers.register("host-a", 1, ["default", "gpu"])
    stale = core.workers.register("host-b", 2, ["default"])
    with core.store.write() as session:
        session.execute(update(Worker).where(col(Worker.id) == stale)
                        .values(last_heartbeat=utcnow() - timedelta(minutes=5)))
    summary = {q.name: q.workers for q in core.queues.summaries()}
    assert summary["default"] == 1
    assert core.lifecycle.enqueue(new_task(core, details=False)).watchers == 1
    core.workers.heartbeat(stale)
    assert {q.name: q.workers for q in core.queues.summaries()}["default"] == 2
    core.workers.unregister(live)
    assert {q.name: q.workers for q in core.queues.summaries()}["default"] == 1


POPPER = """
import json, sys
from tasktune_gui.core.api import Core
core = Core.open(sys.argv[1])
taken = []
while (task_id := core.queues.pop(["default"], worker=sys.argv[2])) is not None:
    taken.append(task_id)
print(json.dumps(taken))
"""


def fill_queue(core: Core, count: int) -> list[str]:
    """Many pending tasks, inserted in bulk (the lifecycle is tested elsewhere)."""
    with core.store.write() as session:
        project = Project(name="bulk")
        session.add(project)
        session.flush()
        ids = [new_id() for _ in range(count)]
        now = utcnow()
        session.execute(insert(Task), [{"id": i, "name": f"t{n}", "project_id": project.id, "status": "pending",
                                        "created": now, "last_update": now, "labels": {}, "queue": "default"}
                                       for n, i in enumerate(ids)])
        queue_id = get_queue(session, "default").id
        session.execute(insert(QueueEntry), [{"queue_id": queue_id, "task_id": i, "position": n, "enqueued": now}
                                             for n, i in enumerate(ids)])
    return ids


def pop_in_processes(url: str, processes: int) -> list[list[str]]:
    import json

    popen = [subprocess.Popen([sys.executable, "-c", POPPER, url, f"w{n}"], stdout=subprocess.PIPE, text=True)
             for n in range(processes)]
    results = []
    for process in popen:
        out, _ = process.communicate(timeout=600)
        assert process.returncode == 0
        results.append(json.loads(out))
    return results


@pytest.mark.slow
def test_eight_processes_pop_each_task_exactly_once_from_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    core = Core.open(url)
    ids = fill_queue(core, 2000)
    taken = pop_in_processes(url, 8)
    flat = [task_id for batch in taken for task_id in batch]
    assert len(flat) == len(set(flat)) == 2000
    assert set(flat) == set(ids)
    assert sum(1 for batch in taken if batch) > 1, "the pops were not spread over processes"
    assert core.queues.entries("default") == []
    from tasktune_gui.core.tasks import TaskQuery

    assert core.tasks.count(TaskQuery(statuses=["running"])) == 2000
    core.close()


@pytest.mark.slow
def test_four_processes_pop_each_task_exactly_once_from_postgresql(postgres_url: str) -> None:
    core = Core.open(postgres_url)
    ids = fill_queue(core, 400)
    flat = [task_id for batch in pop_in_processes(postgres_url, 4) for task_id in batch]
    assert sorted(flat) == sorted(ids)
    core.close()
