"""Following the changes other processes commit (workers, a second window, the CLI)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import col, select

from tasktune_gui.core.events import ORIGIN, Change, ChangeBus
from tasktune_gui.core.models import ChangeRecord, utcnow
from tasktune_gui.core.store import Store

KEEP = timedelta(hours=1)


class ChangeFeed:
    """Reads change records past a cursor and republishes the foreign ones on the local bus.

    Call `poll()` when the database may have changed (a cheap timer, SQLite's data_version, or
    PostgreSQL's NOTIFY); it costs one indexed range read.
    """

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events
        self.cursor = self.latest()

    def latest(self) -> int:
        with self.store.read() as session:
            return int(session.exec(select(func.max(ChangeRecord.id))).one() or 0)

    def read(self, after: int, limit: int = 1000) -> list[tuple[int, str, Change]]:
        """(id, origin, change) of the records above `after`, oldest first."""
        with self.store.read() as session:
            rows = session.exec(
                select(ChangeRecord)
                .where(col(ChangeRecord.id) > after)
                .order_by(col(ChangeRecord.id))
                .limit(limit)
            ).all()
        return [(row.id or 0, row.origin, Change(row.kind, row.action, tuple(row.ids.split()))) for row in rows]

    def poll(self) -> int:
        """Publish what other processes committed since the last poll; returns how many changes."""
        published = 0
        while batch := self.read(self.cursor):
            for record_id, origin, change in batch:
                self.cursor = record_id
                if origin != ORIGIN:  # our own changes were published when they committed
                    self.events.publish(change)
                    published += 1
        return published

    def prune(self, keep: timedelta = KEEP) -> None:
        """Forget records older than `keep`; followers are seconds behind, never an hour."""
        with self.store.write() as session:
            session.execute(delete(ChangeRecord).where(col(ChangeRecord.time) < utcnow() - keep))
