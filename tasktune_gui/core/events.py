"""Change notifications: recorded with each transaction, published in-process after commit, readable by others."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import insert
from sqlmodel import Session

from tasktune_gui.core.ids import new_id
from tasktune_gui.core.models import ChangeRecord, utcnow

log = logging.getLogger(__name__)

# Identifies this process's records in the shared change feed.
ORIGIN = new_id()
PENDING_KEY = "tasktune_changes"


@dataclass(frozen=True)
class Change:
    """What changed after a committed transaction: `kind` of record, its `ids`, and how."""

    kind: str  # "task", "project", "queue", "worker", "model"
    action: str  # "created", "updated", "deleted", "status", "results"
    ids: tuple[str, ...] = ()


Listener = Callable[[Change], None]


# Built once: every write transaction runs it, and building a statement costs more than running it.
INSERT_RECORDS = insert(ChangeRecord.__table__)  # type: ignore[attr-defined]


def note(session: Session, change: Change) -> None:
    """Record a change inside the caller's transaction; it is published only if the transaction commits."""
    session.info.setdefault(PENDING_KEY, []).append(change)


def write_noted(session: Session) -> None:
    """The transaction's changes as change records, in one table statement just before it commits (an ORM
    object per record would slow every write)."""
    changes = noted(session)
    if changes:
        now = utcnow()
        session.connection().execute(INSERT_RECORDS, [
            {"time": now, "origin": ORIGIN, "kind": c.kind, "action": c.action, "ids": " ".join(c.ids)}
            for c in changes
        ])


def noted(session: Session) -> list[Change]:
    """The changes noted so far in this transaction (kept for publishing after commit)."""
    changes: list[Change] = session.info.get(PENDING_KEY, [])
    return changes


def take_noted(session: Session) -> list[Change]:
    changes: list[Change] = session.info.pop(PENDING_KEY, [])
    return changes


class ChangeBus:
    """Calls every subscriber, in the thread that committed, once the change is durable."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:  # a broken subscriber must not undo a committed change
                log.exception("change listener failed on %s", change)

    def publish_all(self, changes: Iterable[Change]) -> None:
        for change in changes:
            self.publish(change)
