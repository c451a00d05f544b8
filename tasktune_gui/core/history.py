"""Who did what to a task: the events recorded with each status change and edit, and how INFO says them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, text
from sqlmodel import Session, col, select

from tasktune_gui.core.models import Task, TaskEvent, utcnow
from tasktune_gui.core.users import acting_user

EVENTS = TaskEvent.__table__  # type: ignore[attr-defined]
# Actions a worker takes as it runs a task: INFO's "last changed by" names the person before them.
RUN_ACTIONS = frozenset({"started", "completed", "failed", "stopped"})
_SET_ACTION = text("SELECT set_config('tasktune.action', :action, true)")
# Built once and run on the session's connection: a worker's start of a task is on every task's path, and
# building a statement costs more than running it (see core/queues.py).
_EVENT = insert(EVENTS).values(task_id=bindparam("task_id"), time=bindparam("time"), actor=bindparam("actor"),
                                   action=bindparam("action"), status=bindparam("status"))


@dataclass(frozen=True)
class Event:
    action: str
    actor: str
    time: datetime
    status: str

    def describe(self) -> str:
        """'aborted by bob at 14:02' (local time; an earlier day's says its date)."""
        return said(self.action, self.actor, self.time)


@contextmanager
def recorded(session: Session, task: Task, action: str) -> Iterator[None]:
    """Note who did `action` to the task with the change the block makes, in the caller's transaction.

    PostgreSQL's triggers write the event themselves, as the login that made the change (a researcher cannot
    write or rewrite one): here the action is only named for them. On SQLite the client writes it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_SET_ACTION, {"action": action})
        yield
        return
    task_id = task.id
    yield
    # Through the session, which first writes the block's changes to the task the event names.
    session.execute(_EVENT, {"task_id": task_id, "time": utcnow(), "actor": acting_user(session), "action": action,
                             "status": task.status})


def said(action: str, actor: str, time: datetime) -> str:
    """'aborted by bob at 14:02' today, 'aborted by bob on 2026-11-30 at 14:02' before (this machine's clock)."""
    local = (time if time.tzinfo else time.replace(tzinfo=UTC)).astimezone()  # stored in UTC
    day = "" if local.date() == datetime.now().astimezone().date() else f" on {local:%Y-%m-%d}"
    return f"{action} by {actor}{day} at {local:%H:%M}"


def person_line(history: list[dict[str, str]]) -> str:
    """`show`'s "last change" from `show --json`'s history: the newest a person made."""
    return last_said([Event(e["action"], e["by"], datetime.fromisoformat(e["time"]), e["status"]) for e in history])


def last_said(history: Sequence[Event]) -> str:
    """INFO's "last change" (newest first): the newest a person made, not a worker's start or end."""
    return next((event.describe() for event in history if event.action not in RUN_ACTIONS), "")


def record_run(session: Session, task_id: str, action: str, status: str) -> None:
    """A worker's start or end of a task (on PostgreSQL the trigger records it: nothing to do here)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(_EVENT, {"task_id": task_id, "time": utcnow(), "actor": acting_user(session),
                                        "action": action, "status": status})


def events(session: Session, task_id: str, limit: int = 50) -> list[Event]:
    """The task's events, newest first."""
    rows = session.exec(
        select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(col(TaskEvent.id).desc()).limit(limit)
    ).all()
    return [Event(r.action, r.actor, r.time, r.status) for r in rows]


def last_person_event(session: Session, task_id: str) -> Event | None:
    """The newest event a person made (not a worker's start or end): INFO's "aborted by bob at 14:02"."""
    for event in events(session, task_id):
        if event.action not in RUN_ACTIONS:
            return event
    return None
