"""The lifecycle of a task a Slurm job holds: taken from its queue but still Pending while Slurm holds it, Running
once the job starts it, back to Pending when Slurm requeues the job, ended by what Slurm says of the job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy import select as table_select
from sqlmodel import Session, col, select

from tasktune_gui.core.about import ran_with
from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.history import record_run
from tasktune_gui.core.lifecycle import set_status
from tasktune_gui.core.lookup import get_task
from tasktune_gui.core.models import Queue, QueueEntry, Task, utcnow
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.core.status import Status
from tasktune_gui.core.store import Store

SUBMITTING = "submitting to Slurm"
HELD = (Status.PENDING.value, Status.RUNNING.value)
_TASKS = Task.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class HeldTask:
    """A task of a Slurm queue as the submit process reads it on each poll."""

    task_id: str
    job_id: str  # '' while it is being submitted
    status: str
    status_reason: str
    abort_requested: bool
    queue: str


class SlurmJobs:
    """What the submit process and the job's runner change on the tasks of Slurm queues."""

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def claim(self, queue_names: list[str], submitter: str) -> tuple[str, str, SlurmOptions] | None:
        """Take the first task of the first non-empty Slurm queue out of it, still Pending, for a job; (task id,
        queue, its options), or None."""
        with self.store.write() as session:
            for name in queue_names:
                queue = session.exec(select(Queue).where(Queue.name == name)).first()
                options = SlurmOptions.from_json(queue.slurm) if queue is not None else None
                if queue is None or options is None:
                    continue
                entry = session.exec(select(QueueEntry).where(QueueEntry.queue_id == queue.id)
                                     .order_by(col(QueueEntry.position)).limit(1)).first()
                if entry is None:
                    continue
                session.execute(delete(QueueEntry).where(col(QueueEntry.id) == entry.id))
                task = get_task(session, entry.task_id)
                task.worker, task.status_reason, task.slurm_job_id, task.last_update = submitter, SUBMITTING, "", \
                    utcnow()
                session.add(task)
                note(session, Change("task", "updated", (task.id,)))
                return task.id, name, options
        return None

    def held(self, queue_names: list[str], job_ids: list[str]) -> list[HeldTask]:
        """Tasks of these queues that a job holds or runs (or is being submitted for), and those of these jobs."""
        t = _TASKS.c
        statement = table_select(t.id, t.slurm_job_id, t.status, t.status_reason, t.abort_requested, t.queue).where(
            (t.status.in_(HELD) & t.queue.in_(queue_names) & ((t.slurm_job_id != "") | (t.status_reason == SUBMITTING)))
            | t.slurm_job_id.in_(job_ids or [""]))
        with self.store.read() as session:
            rows = session.connection().execute(statement).all()
        return [HeldTask(t, j, s, r, a, q or "") for t, j, s, r, a, q in rows
                if s in HELD or j in job_ids]

    def record_job(self, task_id: str, job_id: str, reason: str = "submitted to Slurm") -> bool:
        """The job submitted for a task still Pending; False when it is not Pending any more (dequeued, aborted)."""
        def body(session: Session, task: Task) -> bool:
            task.slurm_job_id = job_id
            if task.status == Status.PENDING.value:
                task.status_reason = reason
            session.add(task)
            return task.status == Status.PENDING.value

        return self._change(task_id, body)

    def pending_reason(self, task_id: str, reason: str) -> None:
        """Why Slurm still holds the job (Priority, Resources, ...), shown on the Pending task."""
        def body(session: Session, task: Task) -> None:
            if task.status == Status.PENDING.value and task.status_reason != reason:
                task.status_reason, task.last_update = reason, utcnow()
                session.add(task)

        self._change(task_id, body)

    def start(self, task_id: str, job_id: str, worker: str, host: str, pid: int) -> bool:
        """Inside the job: its task Running under the job's runner; False when the task is no longer this job's
        to run (dequeued, aborted, or submitted again as another job)."""
        def body(session: Session, task: Task) -> bool:
            if task.slurm_job_id != job_id:
                return False
            if task.status == Status.RUNNING.value and task.worker == worker:
                # A run of this same job that Slurm requeued before the submit process saw it: from the start.
                set_status(session, task, Status.RUNNING, Status.PENDING, status_reason="requeued by Slurm")
            if task.status != Status.PENDING.value:
                return False
            set_status(session, task, Status.PENDING, Status.RUNNING, worker=worker, host=host, pid=pid,
                       started=utcnow(), status_reason="", status_message="", abort_requested=False, **ran_with())
            record_run(session, task.id, "started", Status.RUNNING.value)
            return True

        return self._change(task_id, body, "status")

    def requeued(self, task_id: str, job_id: str, reason: str) -> None:
        """Slurm requeued the running job (preempted, `scontrol requeue`): Pending again, to run from the start;
        the run that was cut short is neither failed nor counted."""
        def body(session: Session, task: Task) -> None:
            if task.status == Status.RUNNING.value and task.slurm_job_id == job_id and not task.abort_requested:
                set_status(session, task, Status.RUNNING, Status.PENDING, status_reason=reason, pid=None,
                           setup_step="", setup_started=None)

        self._change(task_id, body, "status")

    def end(self, task_id: str, job_id: str, new: Status, reason: str, message: str = "",
            exit_code: int | None = None) -> bool:
        """What Slurm says ended the job ends its task (Pending or Running) unless it ended already."""
        def body(session: Session, task: Task) -> bool:
            if task.slurm_job_id != job_id or task.status not in HELD:
                return False
            old = Status(task.status)
            # A job that ended before its runner started the task did not complete it.
            new_status = Status.FAILED if old is Status.PENDING and new is Status.COMPLETED else new
            set_status(session, task, old, new_status, status_reason=reason, status_message=message[-4000:],
                       exit_code=exit_code, completed=utcnow(), abort_requested=False, setup_step="",
                       setup_started=None)
            if old is Status.PENDING:
                session.execute(delete(QueueEntry).where(col(QueueEntry.task_id) == task.id))
            record_run(session, task.id, "stopped" if new_status is Status.ABORTED else new_status.value,
                       new_status.value)
            return True

        return self._change(task_id, body, "status")

    def _change(self, task_id: str, body: Callable[[Session, Task], Any], action: str = "updated") -> bool:
        with self.store.write() as session:
            task = get_task(session, task_id)
            result = body(session, task)
            note(session, Change("task", action, (task.id,)))
        return bool(result)
