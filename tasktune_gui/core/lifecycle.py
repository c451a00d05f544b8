"""The task lifecycle: every status change, each a compare-and-set inside one transaction."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, Table, Update, bindparam, delete, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from tasktune_gui.core.about import ran_with
from tasktune_gui.core.errors import InvalidTransition, InvalidValue, RefusedWrite, TaskTuneError
from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.history import record_run, recorded
from tasktune_gui.core.lookup import get_queue, get_task
from tasktune_gui.core.models import TASK_RESULT_TABLES, Model, Task, TaskTag, utcnow
from tasktune_gui.core.permissions import check, refused_status
from tasktune_gui.core.queues import DEFAULT_QUEUE, push, remove, watchers
from tasktune_gui.core.results import ClosingLines, insert_console
from tasktune_gui.core.status import ENABLED_FOR, Operation, Status, can_transition, describe_statuses
from tasktune_gui.core.store import Store
from tasktune_gui.core.users import acting_user

TASK_TABLE: Table = Task.__table__  # type: ignore[attr-defined]

RUNTIME_CLEARED: dict[str, Any] = {
    "worker": None,
    "claimed_by": None,
    "host": None,
    "pid": None,
    "exit_code": None,
    "container_id": None,
    "started": None,
    "completed": None,
    "last_iteration": None,
    "status_reason": "",
    "status_message": "",
    "abort_requested": False,
    "status_before_enqueue": None,
    "setup_step": "",
    "setup_started": None,
    "ran_with_version": "",
    "ran_with_schema": "",
    "slurm_job_id": "",
}
# What a person does to a task, and how its history says it.
DONE = {"enqueue": "enqueued", "retry": "retried", "dequeue": "dequeued", "abort": "aborted", "reset": "reset",
        "publish": "published", "archive": "archived", "restore": "restored", "delete": "deleted"}
SETUP_STEPS = ("mirror", "checkout", "diff", "container", "environment", "start")


@dataclass(frozen=True)
class EnqueueResult:
    task_id: str
    queue: str
    watchers: int  # 0 means nobody will run it until a worker watches this queue


def require(task: Task, operation: Operation) -> Status:
    """The task's status, if the operation is enabled for it; else InvalidTransition."""
    status = Status(task.status)
    allowed = ENABLED_FOR[operation]
    if status not in allowed:
        raise InvalidTransition(task.id, operation.value, status.label, describe_statuses(allowed))
    return status


def set_status(session: Session, task: Task, expected: Status, new: Status, **fields: Any) -> None:
    """Compare-and-set: change the status only if it is still the one the caller saw."""
    if not can_transition(expected, new):
        raise InvalidTransition(task.id, f"move to {new.label}", expected.label)
    values = {"status": new.value, "last_update": utcnow(), **fields}
    session.flush()  # edits made to `task` before this, in the order they were made
    # A table UPDATE, not an ORM one: every task changes status several times, and the ORM's bulk path with its
    # in-session synchronisation is the slower of the two; the object gets the values it now has below.
    table = TASK_TABLE
    result = session.execute(
        update(table).where(table.c.id == task.id, table.c.status == expected.value).values(**values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(task)
        if task.status == expected.value:  # still as the caller saw it: the lab's rules left the row out
            raise RefusedWrite(refused_status(task, str(session.info.get("user", "")), new.label))
        raise InvalidTransition(task.id, f"move to {new.label}", Status(task.status).label)
    for name, value in values.items():
        set_committed_value(task, name, value)


def enqueue_in(session: Session, task: Task, queue_name: str | None, operation: Operation) -> EnqueueResult:
    status = require(task, operation)
    if queue_name is not None and not queue_name.strip():
        raise InvalidValue("a queue name cannot be empty (leave --queue out for the default queue)")
    queue = get_queue(session, DEFAULT_QUEUE if queue_name is None else queue_name)
    set_status(
        session,
        task,
        status,
        Status.PENDING,
        queue=queue.name,
        status_before_enqueue=status.value,
        enqueued_by=acting_user(session),
        status_reason="",
        status_message="",
        slurm_job_id="",
    )
    push(session, queue, task.id)
    return EnqueueResult(task.id, queue.name, watchers(session, queue.name))


def clear_results(session: Session, task_id: str) -> None:
    for table in TASK_RESULT_TABLES:
        session.execute(delete(table).where(col(table.task_id) == task_id))
    session.execute(delete(Model).where(col(Model.task_id) == task_id))


class Lifecycle:
    """Enqueue, dequeue, abort, reset, publish, archive, delete and the workers' status reports."""

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def _change(self, task_id: str, body: Callable[[Session, Task], Any], action: str = "status",
                person: str | None = None) -> Any:
        """Run `body` on the task in one transaction; `person`: what a person does ("abort"), checked against
        their lab role and recorded with their name (the worker's side passes None)."""
        with self.store.write() as session:
            task = get_task(session, task_id)
            resolved = task.id  # the full id, even when the caller gave a prefix
            if person is None:
                result = body(session, task)
            else:
                check(self.store.identity, task.user, person, resolved)
                with recorded(session, task, DONE[person]):
                    result = body(session, task)
            note(session, Change("task", action, (resolved,)))
        return result

    def enqueue(self, task_id: str, queue: str | None = None) -> EnqueueResult:
        result: EnqueueResult = self._change(task_id, lambda s, t: enqueue_in(s, t, queue, Operation.ENQUEUE),
                                              person="enqueue")
        return result

    def retry(self, task_id: str) -> EnqueueResult:
        result: EnqueueResult = self._change(
            task_id, lambda s, t: enqueue_in(s, t, t.queue or DEFAULT_QUEUE, Operation.RETRY), person="retry"
        )
        return result

    def dequeue(self, task_id: str) -> None:
        def body(session: Session, task: Task) -> None:
            require(task, Operation.DEQUEUE)
            back_to = Status(task.status_before_enqueue or Status.DRAFT)
            remove(session, task.id)
            set_status(session, task, Status.PENDING, back_to, status_before_enqueue=None)

        self._change(task_id, body, person="dequeue")

    def abort(self, task_id: str, reason: str = "user abort") -> None:
        """Pending: out of its queue and aborted now. Running: its worker is asked to stop it."""

        def body(session: Session, task: Task) -> None:
            status = require(task, Operation.ABORT)
            if status is Status.PENDING:
                remove(session, task.id)
                set_status(session, task, status, Status.ABORTED, status_reason=reason, completed=utcnow())
            else:
                task.abort_requested = True
                task.status_reason = reason
                task.last_update = utcnow()
                session.add(task)

        self._change(task_id, body, person="abort")

    def reset(self, task_id: str) -> None:
        def body(session: Session, task: Task) -> None:
            status = require(task, Operation.RESET)
            clear_results(session, task.id)
            set_status(session, task, status, Status.DRAFT, **RUNTIME_CLEARED)

        self._change(task_id, body, person="reset")

    def publish(self, task_id: str) -> None:
        self._change(task_id, lambda s, t: set_status(s, t, require(t, Operation.PUBLISH), Status.PUBLISHED),
                     person="publish")

    def archive(self, task_id: str) -> None:
        """Hide the task; a pending one is dequeued and a running one asked to abort first."""

        def body(session: Session, task: Task) -> None:
            if task.status == Status.PENDING:
                remove(session, task.id)
                back_to = Status(task.status_before_enqueue or Status.DRAFT)
                set_status(session, task, Status.PENDING, back_to, status_before_enqueue=None)
            elif task.status == Status.RUNNING:
                task.abort_requested = True
                task.status_reason = "archived while running"
            task.archived = True
            task.last_update = utcnow()
            session.add(task)

        self._change(task_id, body, "updated", person="archive")

    def restore(self, task_id: str) -> None:
        def body(session: Session, task: Task) -> None:
            task.archived = False
            task.last_update = utcnow()
            session.add(task)

        self._change(task_id, body, "updated", person="restore")

    def delete(self, task_id: str) -> None:
        """Remove a Draft or an archived task with all its results."""

        def body(session: Session, task: Task) -> None:
            if task.status in (Status.PENDING, Status.RUNNING):
                raise InvalidTransition(
                    task.id, "delete", Status(task.status).label, "tasks that are not queued or running"
                )
            if not task.archived and task.status != Status.DRAFT:
                raise InvalidTransition(task.id, "delete", Status(task.status).label, "Draft or archived tasks")
            clear_results(session, task.id)
            remove(session, task.id)
            session.execute(delete(TaskTag).where(col(TaskTag.task_id) == task.id))
            session.delete(task)

        self._change(task_id, body, "deleted", person="delete")

    # The worker's side of the lifecycle.

    def start(self, task_id: str, worker: str, host: str, pid: int | None = None) -> None:
        """A pending task taken by a worker outside pop (pop marks it running itself)."""

        def body(session: Session, task: Task) -> None:
            status = require(task, Operation.START)
            remove(session, task.id)
            set_status(session, task, status, Status.RUNNING, worker=worker, host=host, pid=pid, started=utcnow(),
                       **ran_with())

        self._change(task_id, body)

    def run_direct(self, task_id: str, host: str = "", pid: int | None = None) -> None:
        """A Draft run by its script outside any queue."""
        self._change(
            task_id,
            lambda s, t: set_status(
                s, t, require(t, Operation.RUN_DIRECT), Status.RUNNING, host=host, pid=pid, started=utcnow(),
                **ran_with(),
            ),
        )

    def record_runtime(self, task_id: str, **fields: Any) -> None:
        allowed = {"pid", "container_id", "container_image", "host", "worker", "commit", "requirements"}
        unknown = set(fields) - allowed
        if unknown:
            raise TaskTuneError(f"not runtime fields: {', '.join(sorted(unknown))}")

        def body(session: Session, task: Task) -> None:
            for name, value in fields.items():
                setattr(task, name, value)
            task.last_update = utcnow()
            session.add(task)

        self._change(task_id, body, "updated")

    def record_setup_step(self, task_id: str, step: str) -> None:
        """The setup step a running task is in from now ('' once its process runs); ignored once it has ended."""
        if step and step not in SETUP_STEPS:
            raise TaskTuneError(f"not a setup step: {step} (one of {', '.join(SETUP_STEPS)})")

        def body(session: Session, task: Task) -> None:
            if task.status != Status.RUNNING.value:  # aborted or lost meanwhile: its end already cleared it
                return
            task.setup_step = step
            task.setup_started = utcnow() if step else None
            task.last_update = utcnow()
            session.add(task)

        self._change(task_id, body, "updated")

    # `pid`: a process that ended before its pid was recorded gets it with its end, in the same write.

    # `closing`: the run's last console lines, in the same transaction (a refused end writes neither); the full id.

    def complete(self, task_id: str, exit_code: int = 0, pid: int | None = None,
                 closing: ClosingLines | None = None) -> None:
        self._finish(task_id, Operation.COMPLETE, Status.COMPLETED, exit_code, "", "", pid, closing)

    def fail(self, task_id: str, reason: str, message: str = "", exit_code: int | None = None,
             pid: int | None = None, closing: ClosingLines | None = None) -> None:
        self._finish(task_id, Operation.FAIL, Status.FAILED, exit_code, reason, message, pid, closing)

    def mark_aborted(self, task_id: str, exit_code: int | None = None, pid: int | None = None,
                     closing: ClosingLines | None = None) -> None:
        self._finish(task_id, Operation.MARK_ABORTED, Status.ABORTED, exit_code, None, "", pid, closing)

    def _finish(self, task_id: str, operation: Operation, new: Status, exit_code: int | None, reason: str | None,
                message: str, pid: int | None = None, closing: ClosingLines | None = None) -> None:
        def body(session: Session, task: Task) -> None:
            status = require(task, operation)
            if pid is not None:
                task.pid = pid
            set_status(
                session,
                task,
                status,
                new,
                exit_code=exit_code,
                completed=utcnow(),
                status_reason=task.status_reason if reason is None else reason,
                status_message=message,
                abort_requested=False,
                setup_step="",
                setup_started=None,
            )

        with self.store.write() as session:
            if closing is not None:  # before the end: a lab's rules take a run's lines only while it runs
                insert_console(session, task_id, closing.lines, closing.at)
            # Every task ends here: one compare-and-set by its full id, no task loaded. A prefix, or a status
            # that does not allow the end, takes the general path, which says why it is refused.
            now = utcnow()
            ended = session.connection().execute(_end_statement(operation, new), {
                "task": task_id, "now": now, "exit_code": exit_code, "reason": reason, "message": message,
                "pid": pid,
            })
            done = "stopped" if new is Status.ABORTED else new.value  # a person's abort is recorded already
            if ended.rowcount != 1:
                task = get_task(session, task_id)
                body(session, task)
                task_id = task.id
            record_run(session, task_id, done, new.value)
            note(session, Change("task", "status", (task_id,)))


@functools.cache
def _end_statement(operation: Operation, new: Status) -> Update:
    """The UPDATE that ends a task from any status the operation allows (built once: it runs for every task)."""
    table = TASK_TABLE
    allowed = sorted(status.value for status in ENABLED_FOR[operation] if can_transition(status, new))
    return (
        update(table)
        .where(table.c.id == bindparam("task"), table.c.status.in_(allowed))
        .values(
            status=new.value,
            last_update=bindparam("now"),
            completed=bindparam("now"),
            exit_code=bindparam("exit_code"),
            # No reason given: the one recorded stays (an abort's).
            status_reason=func.coalesce(bindparam("reason", type_=String), table.c.status_reason),
            status_message=bindparam("message"),
            abort_requested=False,
            pid=func.coalesce(bindparam("pid", type_=Integer), table.c.pid),
            setup_step="",
            setup_started=None,
        )
    )
