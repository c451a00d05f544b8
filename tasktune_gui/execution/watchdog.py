"""The watchdog: Running tasks whose worker stopped heartbeating are marked Failed "worker lost"."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import col, or_, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition
from tasktune_gui.core.models import Task, Worker, utcnow
from tasktune_gui.core.status import Status

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_S = 30.0
LOST = "worker lost"


def lost_tasks(core: Core, timeout: float) -> list[tuple[str, str]]:
    """(task id, worker id) of Running tasks run by a worker that is gone or silent for `timeout` seconds."""
    cutoff = utcnow() - timedelta(seconds=timeout)
    with core.store.read() as session:
        rows = session.exec(
            select(Task.id, Task.worker)
            .join(Worker, col(Worker.id) == col(Task.worker), isouter=True)
            .where(
                col(Task.status) == Status.RUNNING,
                col(Task.worker).is_not(None),
                col(Task.worker) != "",
                or_(col(Worker.id).is_(None), col(Worker.last_heartbeat) < cutoff),
            )
        ).all()
    return [(task_id, worker or "") for task_id, worker in rows]


def fail_lost(core: Core, timeout: float = DEFAULT_TIMEOUT_S) -> list[str]:
    """Mark every lost task Failed; returns their ids. Safe to run from every worker at once."""
    failed: list[str] = []
    for task_id, worker in lost_tasks(core, timeout):
        try:
            core.lifecycle.fail(task_id, LOST, f"worker {worker} stopped sending heartbeats")
        except InvalidTransition:
            continue  # another watchdog, or the worker itself, got there first
        log.warning("task %s: worker %s lost", task_id, worker)
        failed.append(task_id)
    return failed


def fail_leftovers(core: Core, worker_id: str, keep: set[str] | None = None) -> list[str]:
    """A restarted worker with the same id: the tasks it was running before are not running any more."""
    keep = keep or set()
    with core.store.read() as session:
        ids = session.exec(
            select(Task.id).where(col(Task.status) == Status.RUNNING, col(Task.worker) == worker_id)
        ).all()
    failed: list[str] = []
    for task_id in ids:
        if task_id in keep:
            continue
        try:
            core.lifecycle.fail(task_id, LOST, f"worker {worker_id} restarted while running it")
        except InvalidTransition:
            continue
        failed.append(task_id)
    return failed
