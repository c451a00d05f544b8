"""Helpers that put tasks into each status through the real lifecycle, and the expected rules."""

from __future__ import annotations

from collections.abc import Callable

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task

STATUSES = ("draft", "pending", "running", "aborted", "completed", "failed", "published")

# REFERENCE §1, written out again here on purpose: a wrong status table in the core fails these tests.
# operation → {status it may start from: status it leads to}
EXPECTED: dict[str, dict[str, str]] = {
    "enqueue": {"draft": "pending", "aborted": "pending", "failed": "pending"},
    "retry": {"failed": "pending"},
    "dequeue": {"pending": "<before>"},
    "abort": {"pending": "aborted", "running": "running"},  # running: abort requested, the worker ends it
    "reset": {"aborted": "draft", "completed": "draft", "failed": "draft"},
    "publish": {"aborted": "published", "completed": "published", "failed": "published"},
    "start": {"pending": "running"},
    "run_direct": {"draft": "running"},
    "complete": {"running": "completed"},
    "fail": {"running": "failed"},
    "mark_aborted": {"running": "aborted"},
}


def new_task(core: Core, name: str = "t") -> str:
    return core.tasks.add(Task(id="", name=name, repository="/repo", entry_point="train.py"), "P")


def pop_one(core: Core, task_id: str) -> None:
    core.lifecycle.start(task_id, worker="w", host="h")


def make_in(core: Core, status: str, name: str = "t") -> str:
    """A task in the given status, reached through allowed operations only."""
    task_id = new_task(core, name)
    steps: dict[str, list[Callable[[str], object]]] = {
        "draft": [],
        "pending": [core.lifecycle.enqueue],
        "running": [core.lifecycle.enqueue, lambda t: pop_one(core, t)],
        "aborted": [core.lifecycle.enqueue, core.lifecycle.abort],
        "completed": [core.lifecycle.enqueue, lambda t: pop_one(core, t), core.lifecycle.complete],
        "failed": [core.lifecycle.enqueue, lambda t: pop_one(core, t), lambda t: core.lifecycle.fail(t, "exit code 1")],
        "published": [core.lifecycle.enqueue, lambda t: pop_one(core, t), core.lifecycle.complete,
                      core.lifecycle.publish],
    }
    for step in steps[status]:
        step(task_id)
    assert core.tasks.get(task_id).status == status
    return task_id


def run_operation(core: Core, operation: str, task_id: str) -> None:
    lifecycle = core.lifecycle
    actions: dict[str, Callable[[], object]] = {
        "enqueue": lambda: lifecycle.enqueue(task_id),
        "retry": lambda: lifecycle.retry(task_id),
        "dequeue": lambda: lifecycle.dequeue(task_id),
        "abort": lambda: lifecycle.abort(task_id),
        "reset": lambda: lifecycle.reset(task_id),
        "publish": lambda: lifecycle.publish(task_id),
        "start": lambda: lifecycle.start(task_id, worker="w", host="h"),
        "run_direct": lambda: lifecycle.run_direct(task_id),
        "complete": lambda: lifecycle.complete(task_id),
        "fail": lambda: lifecycle.fail(task_id, "exit code 2"),
        "mark_aborted": lambda: lifecycle.mark_aborted(task_id),
    }
    actions[operation]()


def queue_state(core: Core) -> list[tuple[str, list[str]]]:
    return [(q.name, [e.task_id for e in core.queues.entries(q.name)]) for q in core.queues.summaries()]
