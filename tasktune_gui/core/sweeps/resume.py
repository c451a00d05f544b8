"""A sweep outlives its worker: a lost sweep goes back on its queue by itself and goes on where it was, its wall
time counted from the first start of its run, not from the start after the loss."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from tasktune_gui.core.events import Change, note
from tasktune_gui.core.history import record_run, recorded
from tasktune_gui.core.lifecycle import enqueue_in, set_status
from tasktune_gui.core.lookup import get_task
from tasktune_gui.core.models import Sweep, Task, TaskEvent, utcnow
from tasktune_gui.core.permissions import refusal
from tasktune_gui.core.queues import DEFAULT_QUEUE
from tasktune_gui.core.status import Operation, Status
from tasktune_gui.core.store import Store
from tasktune_gui.core.sweeps.service import STOPPED

REQUEUED = "requeued"  # the history's action for it: not a person's enqueue, so the sweep's run goes on
# A sweep whose worker keeps dying (killed for its memory, say) is left Failed after this many in a row.
MOST_REQUEUES = 3


def _last_queued(session: Session, sweep_id: str, besides: tuple[str, ...]) -> int:
    """The id of the history event of the sweep's latest move to Pending by an action not in `besides`; 0: none."""
    found = session.exec(select(func.max(TaskEvent.id)).where(
        col(TaskEvent.task_id) == sweep_id, col(TaskEvent.status) == Status.PENDING.value,
        col(TaskEvent.action).not_in(besides))).one()
    return int(found or 0)


def fail_and_requeue(store: Store, task_id: str, reason: str, message: str) -> bool:
    """A running sweep whose worker was lost: Failed (its history says why) and back on its queue, in one
    transaction, so nobody sees it Failed in between. False, with nothing written, for a task that is not a sweep,
    a stopped sweep, one requeued MOST_REQUEUES times since a person enqueued it, or a login that may not enqueue
    it (a lab's worker): the caller fails it as any task. InvalidTransition when it is not Running any more.

    Its trials, its study and its budget are in the database, so the worker that takes it again launches no trial
    twice (execution/sweep/run.py)."""
    with store.write() as session:
        sweep = session.get(Sweep, task_id)
        if sweep is None or sweep.state == STOPPED:
            return False
        task = get_task(session, task_id)
        if refusal(store.identity, task.user, "enqueue") is not None:
            return False
        requeues = session.exec(select(func.count()).where(
            col(TaskEvent.task_id) == task.id, col(TaskEvent.action) == REQUEUED,
            col(TaskEvent.id) > _last_queued(session, task.id, (REQUEUED,)))).one()
        if requeues >= MOST_REQUEUES:
            return False
        set_status(session, task, Status.RUNNING, Status.FAILED, completed=utcnow(), status_reason=reason,
                   status_message=message, abort_requested=False, setup_step="", setup_started=None)
        record_run(session, task.id, "failed", Status.FAILED.value)
        with recorded(session, task, REQUEUED):
            enqueue_in(session, task, task.queue or DEFAULT_QUEUE, Operation.RETRY)
        note(session, Change("task", "status", (task.id,)))
    return True


def run_began(store: Store, sweep_id: str) -> datetime | None:
    """When the sweep's run first started since a person last enqueued it, in UTC: a requeue after a lost worker
    or a person's retry of the failed sweep goes on with the same run (its wall time is not given again); an
    enqueue or `sweep extend` starts a new one. None when its history does not say (started outside a queue)."""
    with store.read() as session:
        first = session.exec(select(func.min(TaskEvent.time)).where(
            col(TaskEvent.task_id) == sweep_id, col(TaskEvent.action) == "started",
            col(TaskEvent.id) > _last_queued(session, sweep_id, (REQUEUED, "retried")))).one()
    if first is None:
        return None
    return first if first.tzinfo else first.replace(tzinfo=UTC)  # SQLite gives the stored UTC time without its zone


def run_stamp(store: Store, sweep_id: str) -> tuple[str, datetime | None]:
    """The sweep task's status and when its current run started: a run that finds another start stamp was
    declared lost and requeued meanwhile, and another worker runs the sweep now."""
    with store.read() as session:
        row = session.exec(select(Task.status, Task.started).where(col(Task.id) == sweep_id)).first()
    return (row[0], row[1]) if row is not None else ("", None)
