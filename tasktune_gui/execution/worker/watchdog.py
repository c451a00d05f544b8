"""The watchdog: Running tasks whose worker stopped heartbeating are marked Failed "worker lost"; a lost sweep
goes back on its queue to go on where it was."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition, InvalidValue
from tasktune_gui.core.models import Task, Worker
from tasktune_gui.core.status import Status
from tasktune_gui.core.sweeps.resume import fail_and_requeue

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_S = 30.0
# A timeout shorter than a few heartbeats judges healthy workers lost (a slow write, a busy database).
MIN_HEARTBEATS = 5
LOST = "worker lost"


def check_timing(heartbeat: float, timeout: float) -> None:
    """Refuse a heartbeat or watchdog timeout that would declare healthy workers lost."""
    if not heartbeat > 0:
        raise InvalidValue(f"the heartbeat period must be more than 0 seconds (got {heartbeat:g})")
    floor = MIN_HEARTBEATS * heartbeat
    if not timeout >= floor:
        raise InvalidValue(f"--watchdog-timeout must be at least {floor:g} seconds ({MIN_HEARTBEATS} heartbeats "
                           f"of {heartbeat:g} s), got {timeout:g}: a shorter one fails healthy workers' tasks")


def lost_tasks(core: Core, timeout: float) -> list[tuple[str, str]]:
    """(task id, worker id) of Running tasks whose worker is gone, or silent for longer than its own timeout
    (and this one's): a wrong setting on one machine cannot fail another's healthy runs. Times are the
    database's, so a wrong clock on one machine cannot either."""
    now = core.workers.database_now()
    with core.store.read() as session:
        rows = session.exec(
            select(Task.id, Task.worker, Worker.last_heartbeat, Worker.watchdog_timeout)
            .join(Worker, col(Worker.id) == col(Task.worker), isouter=True)
            .where(col(Task.status) == Status.RUNNING, col(Task.worker).is_not(None), col(Task.worker) != "")
        ).all()
    lost: list[tuple[str, str]] = []
    for task_id, worker, beat, own_timeout in rows:  # no heartbeat: the worker is not registered (any more)
        allowed = timedelta(seconds=max(timeout, own_timeout or 0.0))
        if beat is None or beat < now - allowed:
            lost.append((task_id, worker or ""))
    return lost


def fail_lost(core: Core, timeout: float = DEFAULT_TIMEOUT_S) -> list[str]:
    """Mark every lost task Failed; returns their ids. Safe to run from every worker at once."""
    failed: list[str] = []
    for task_id, worker in lost_tasks(core, timeout):
        try:
            fail_lost_task(core, task_id, f"worker {worker} stopped sending heartbeats")
        except InvalidTransition:
            continue  # another watchdog, or the worker itself, got there first
        log.warning("task %s: worker %s lost", task_id, worker)
        failed.append(task_id)
    return failed


def fail_lost_task(core: Core, task_id: str, message: str) -> None:
    """Failed "worker lost"; a sweep, in the same transaction, back on its queue: it goes on where it was."""
    if fail_and_requeue(core.store, task_id, LOST, message):
        log.warning("sweep %s: requeued after its worker was lost", task_id)
    else:
        core.lifecycle.fail(task_id, LOST, message)


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
            fail_lost_task(core, task_id, f"worker {worker_id} restarted while running it")
        except InvalidTransition:
            continue
        failed.append(task_id)
    return failed
