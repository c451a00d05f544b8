"""Property-based: random operation sequences on a few tasks follow a model of REFERENCE §1, step by step."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition
from tasktune_gui.core.models import Queue, QueueEntry, Task
from tests.support.lifecycle import ALLOWED_TRANSITIONS, kept_and_counted, new_task, row_counts

OPERATIONS = ("enqueue", "retry", "dequeue", "abort", "reset", "publish", "archive", "restore", "delete", "start",
              "pop", "run_direct", "complete", "fail", "mark_aborted")
TASKS = 3
REFUSED = "refused"


@dataclass
class Model:
    """What REFERENCE §1 says the tasks and this example's two queues look like."""

    queues: tuple[str, str]
    status: dict[str, str]
    archived: set[str] = field(default_factory=set)
    abort_requested: set[str] = field(default_factory=set)
    before: dict[str, str] = field(default_factory=dict)
    last_queue: dict[str, str] = field(default_factory=dict)
    entries: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.entries = {name: [] for name in (*self.queues, "default")}

    def _enqueue(self, task: str, queue: str) -> None:
        self.before[task] = self.status[task]
        self.status[task], self.last_queue[task] = "pending", queue
        self.entries[queue].append(task)

    def _unqueue(self, task: str) -> None:
        for entries in self.entries.values():
            if task in entries:
                entries.remove(task)

    def apply(self, op: str, task: str, queue: str) -> str | None:
        """Change the model as the operation should; REFUSED when it must be refused; the popped task for pop."""
        status = self.status[task]
        if op == "pop":
            source = next((q for q in self.queues if self.entries[q]), None)
            if source is None:
                return None
            popped = self.entries[source].pop(0)
            self.status[popped] = "running"
            return popped
        if op in ("enqueue", "retry"):
            if status not in (("draft", "aborted", "failed") if op == "enqueue" else ("failed",)):
                return REFUSED
            self._enqueue(task, queue if op == "enqueue" else self.last_queue.get(task, "default"))
        elif op == "dequeue" or (op == "archive" and status == "pending"):
            if status != "pending":
                return REFUSED
            self._unqueue(task)
            self.status[task] = self.before.pop(task)
        elif op == "abort":
            if status not in ("pending", "running"):
                return REFUSED
            if status == "pending":
                self._unqueue(task)
                self.status[task] = "aborted"
            self.abort_requested.add(task)
        elif op in ("reset", "publish"):
            if status not in ("aborted", "completed", "failed"):
                return REFUSED
            self.status[task] = "draft" if op == "reset" else "published"
        elif op in ("start", "run_direct"):
            if status != ("pending" if op == "start" else "draft"):
                return REFUSED
            self._unqueue(task)
            self.status[task] = "running"
        elif op in ("complete", "fail", "mark_aborted"):
            if status != "running":
                return REFUSED
            self.status[task] = {"complete": "completed", "fail": "failed", "mark_aborted": "aborted"}[op]
        elif op == "delete":
            if status in ("pending", "running") or (status != "draft" and task not in self.archived):
                return REFUSED
            del self.status[task]
        if op == "archive":
            self.archived.add(task)
            if self.status[task] == "running":
                self.abort_requested.add(task)
        elif op == "restore":
            self.archived.discard(task)
        if self.status.get(task) != "running":
            self.abort_requested.discard(task)
        return None


def run(core: Core, op: str, task: str, queue: str, queues: tuple[str, str]) -> str | None:
    life = core.lifecycle
    if op == "pop":
        return core.queues.pop(list(queues), worker="w", host="h")
    if op == "enqueue":
        life.enqueue(task, queue)
    elif op == "start":
        life.start(task, worker="w", host="h")
    elif op == "fail":
        life.fail(task, "exit code 1")
    else:
        getattr(life, op)(task)
    return None


def snapshot(core: Core, task: str, queues: tuple[str, ...]) -> object:
    """The task, its rows and this example's queues (the whole database grows with every example)."""
    entries = {name: [(e.position, e.task_id) for e in core.queues.entries(name)] for name in queues}
    return core.task_json(task), row_counts(core, task), entries


def check(core: Core, model: Model, tasks: list[str]) -> None:
    """Two queries per step: the tasks' status flags and the queue entries that hold them."""
    with core.store.read() as session:
        rows = session.exec(select(Task.id, Task.status, Task.archived, Task.abort_requested)
                            .where(col(Task.id).in_(tasks))).all()
        entries = session.exec(select(Queue.name, QueueEntry.task_id)
                               .join(Queue, col(Queue.id) == col(QueueEntry.queue_id))
                               .where(col(QueueEntry.task_id).in_(tasks)).order_by(col(QueueEntry.position))).all()
    assert {row[0]: tuple(row[1:]) for row in rows} == {
        t: (s, t in model.archived, t in model.abort_requested) for t, s in model.status.items()}
    actual: dict[str, list[str]] = {name: [] for name in model.entries}
    for name, task in entries:
        actual[name].append(task)
    assert actual == model.entries, "queue entries"
    held = [task for queue in actual.values() for task in queue]
    for task, status in model.status.items():
        assert held.count(task) == (1 if status == "pending" else 0), f"a {status} task in {held.count(task)} queues"


@pytest.fixture(scope="module")
def shared_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Core]:
    # One database for every example (each makes its own tasks and queues): opening one per example is slow.
    core = Core.open(f"sqlite:///{tmp_path_factory.mktemp('props') / 'tasktune.db'}")
    yield core
    core.close()


EXAMPLE = itertools.count()
steps_strategy = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.integers(0, TASKS - 1), st.integers(0, 1)), max_size=25)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps_strategy)
def test_random_sequences_follow_the_table(shared_core: Core, steps: list[tuple[str, int, int]]) -> None:
    core = shared_core
    n = next(EXAMPLE)
    queues = (f"high{n}", f"low{n}")
    for name in queues:
        core.queues.create(name)
    tasks = [new_task(core, f"t{i}") for i in range(TASKS)]
    model = Model(queues, dict.fromkeys(tasks, "draft"))
    for op, index, queue_index in steps:
        task, queue = tasks[index], queues[queue_index]
        if task not in model.status:  # deleted earlier in this example
            continue
        previous = dict(model.status)
        expected = model.apply(op, task, queue)
        if expected == REFUSED:
            before = snapshot(core, task, (*queues, "default"))
            with pytest.raises(InvalidTransition):
                run(core, op, task, queue, queues)
            after = snapshot(core, task, (*queues, "default"))
            assert after == before, f"refused {op} from {previous[task]} changed something"
            continue
        assert run(core, op, task, queue, queues) == expected
        for changed, old in previous.items():
            new = model.status.get(changed, old)
            assert new == old or (old, new) in ALLOWED_TRANSITIONS, f"{op}: {old} -> {new}"
        check(core, model, tasks)
    kept, counted = kept_and_counted(core)
    assert kept == counted, "the dashboard's kept counts"
    for task in model.entries["default"]:  # keep the shared default queue short for the next examples
        core.lifecycle.dequeue(task)
