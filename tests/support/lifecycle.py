"""REFERENCE §1 written out for tests, and helpers that reach each status through the real lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import (
    Artifact,
    ConfigObject,
    ConsoleLine,
    Hyperparameter,
    LastMetric,
    Model,
    QueueEntry,
    Scalar,
    Task,
    TaskTag,
    UserProperty,
)
from tasktune_gui.core.results import ScalarPoint

STATUSES = ("draft", "pending", "running", "aborted", "completed", "failed", "published")

# Written again here on purpose, not imported from status.py: a wrong table in the core fails the tests.
ALLOWED_TRANSITIONS = frozenset({
    ("draft", "pending"), ("draft", "running"),
    ("pending", "running"), ("pending", "aborted"), ("pending", "draft"), ("pending", "failed"),
    ("running", "completed"), ("running", "failed"), ("running", "aborted"), ("running", "pending"),
    ("aborted", "draft"), ("aborted", "pending"), ("aborted", "published"),
    ("failed", "draft"), ("failed", "pending"), ("failed", "published"),
    ("completed", "draft"), ("completed", "published"),
})

BEFORE = "<status before enqueue>"
STAYS = "<same status>"
# operation → {status it may start from: status it leads to}; a status not listed is refused.
OPERATIONS: dict[str, dict[str, str]] = {
    "enqueue": {"draft": "pending", "aborted": "pending", "failed": "pending"},
    "retry": {"failed": "pending"},
    "dequeue": {"pending": BEFORE},
    "abort": {"pending": "aborted", "running": "running"},  # running: only requested; the worker ends it
    "reset": {"aborted": "draft", "completed": "draft", "failed": "draft"},
    "publish": {"aborted": "published", "completed": "published", "failed": "published"},
    "archive": {s: BEFORE if s == "pending" else STAYS for s in STATUSES},
    "restore": dict.fromkeys(STATUSES, STAYS),
    "start": {"pending": "running"},
    "run_direct": {"draft": "running"},
    "complete": {"running": "completed"},
    "fail": {"running": "failed"},
    "mark_aborted": {"running": "aborted"},
}

# The words an InvalidTransition message uses for each operation: "cannot <verb> task <id>: it is <Status>".
VERBS = {name: name for name in OPERATIONS} | {"run_direct": "run", "mark_aborted": "mark aborted"}

# Every table whose rows belong to one task (models go by the task that produced them).
TASK_TABLES: tuple[Any, ...] = (Hyperparameter, UserProperty, ConfigObject, TaskTag, QueueEntry, ConsoleLine,
                                Scalar, LastMetric, Artifact, Model)
RESULT_TABLES: tuple[Any, ...] = (ConsoleLine, Scalar, LastMetric, Artifact, Model)


def new_task(core: Core, name: str = "t", project: str = "P", details: bool = True) -> str:
    """A Draft; with `details`, one hyperparameter, one user property and one tag, so copies can be checked."""
    task = Task(id="", name=name, repository="/repo", entry_point="train.py")
    if not details:
        return core.tasks.add(task, project)
    return core.tasks.add(task, project,
                          hyperparameters={"Args": {"lr": {"value": "0.1", "type": "float", "description": ""}}},
                          user_properties={"note": {"value": "n", "description": ""}}, tags=["t1"])


def add_results(core: Core, task_id: str) -> None:
    """A console line, a scalar, an artifact and an output model, as a running task reports them."""
    core.results.append_console(task_id, [("stdout", "epoch 1"), ("stderr", "warning")])
    core.results.report_scalars(task_id, [ScalarPoint("loss", "train", 1, 0.5), ScalarPoint("loss", "train", 2, 0.4)])
    core.results.add_artifact(task_id, Artifact(task_id=task_id, name="weights", uri="file:///w", size=3, hash="h"))
    core.models.create("trained", task_id=task_id)


def make_in(core: Core, status: str, name: str = "t", queue: str | None = None, details: bool = True) -> str:
    """A task in the given status, reached through allowed operations only; finished ones carry results."""
    task_id = new_task(core, name, details=details)
    life = core.lifecycle

    def run(t: str) -> None:
        life.start(t, worker="w1", host="h1", pid=123)  # not pop: other tasks may be ahead in the queue
        add_results(core, t)

    steps: dict[str, list[Callable[[str], object]]] = {
        "draft": [],
        "pending": [lambda t: life.enqueue(t, queue)],
        "running": [lambda t: life.enqueue(t, queue), run],
        "aborted": [lambda t: life.enqueue(t, queue), run, life.abort, life.mark_aborted],
        "completed": [lambda t: life.enqueue(t, queue), run, life.complete],
        "failed": [lambda t: life.enqueue(t, queue), run, lambda t: life.fail(t, "exit code 3", "boom", 3)],
        "published": [lambda t: life.enqueue(t, queue), run, life.complete, life.publish],
    }
    for step in steps[status]:
        step(task_id)
    assert core.tasks.get(task_id).status == status
    return task_id


def run_operation(core: Core, operation: str, task_id: str) -> Any:
    life = core.lifecycle
    actions: dict[str, Callable[[], object]] = {
        "enqueue": lambda: life.enqueue(task_id),
        "retry": lambda: life.retry(task_id),
        "dequeue": lambda: life.dequeue(task_id),
        "abort": lambda: life.abort(task_id),
        "reset": lambda: life.reset(task_id),
        "publish": lambda: life.publish(task_id),
        "archive": lambda: life.archive(task_id),
        "restore": lambda: life.restore(task_id),
        "delete": lambda: life.delete(task_id),
        "start": lambda: life.start(task_id, worker="w2", host="h2", pid=7),
        "run_direct": lambda: life.run_direct(task_id, host="laptop", pid=8),
        "complete": lambda: life.complete(task_id),
        "fail": lambda: life.fail(task_id, "exit code 2"),
        "mark_aborted": lambda: life.mark_aborted(task_id),
    }
    return actions[operation]()


def queue_state(core: Core) -> list[tuple[str, list[tuple[int, str]]]]:
    """Every queue with its (position, task id) entries, in order."""
    return [(q.name, [(e.position, e.task_id) for e in core.queues.entries(q.name)]) for q in core.queues.summaries()]


def row_counts(core: Core, task_id: str) -> dict[str, int]:
    """How many rows of each task-owned table belong to the task."""
    with core.store.read() as session:
        return {table.__tablename__: int(session.exec(select(func.count()).select_from(table)
                                                      .where(col(table.task_id) == task_id)).one())
                for table in TASK_TABLES}


def snapshot(core: Core, task_id: str) -> dict[str, Any]:
    """Everything an operation on this task could change: the record, its rows, every queue."""
    return {"task": core.task_json(task_id), "rows": row_counts(core, task_id), "queues": queue_state(core),
            "console": [(line.stream, line.text) for line in core.results.console(task_id)],
            "scalars": core.results.scalars(task_id)}


def kept_and_counted(core: Core) -> tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]]:
    """The counts the triggers keep, and the same counted from the task table, for comparing."""
    from tasktune_gui.core.counts import read_counts

    counted: dict[int, dict[str, int]] = {}
    with core.store.read() as session:
        kept, _rows = read_counts(session)
        for project_id, status, number in session.exec(
            select(Task.project_id, Task.status, func.count()).where(col(Task.archived).is_(False))
            .group_by(col(Task.project_id), col(Task.status))
        ).all():
            counted.setdefault(project_id, {})[status] = number
    return kept, counted
