"""Following the changes other processes commit (workers, a second window, the CLI)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import col, select

from tasktune_gui.core.data_version import DataVersionWatch
from tasktune_gui.core.events import ORIGIN, Change, ChangeBus
from tasktune_gui.core.models import ChangeRecord, utcnow
from tasktune_gui.core.store import Store, sqlite_path

KEEP = timedelta(hours=1)
# On PostgreSQL a record id is taken when the row is written, not when it commits: a lower id can appear
# after a higher one. Missing ids are looked for again this long before they count as rolled back.
GAP_WAIT_S = 10.0
MOST_GAPS = 10_000


class ChangeFeed:
    """Reads change records past a cursor and republishes the foreign ones on the local bus.

    Call `poll()` when the database may have changed (a cheap timer, SQLite's data_version, or
    PostgreSQL's NOTIFY through `listen`); it costs one indexed range read.
    """

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events
        self.cursor = self.latest()
        self._gaps: dict[int, float] = {}  # id not seen yet → when it was found missing

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
        return [(row.id or 0, row.origin, _change(row)) for row in rows]

    def poll(self) -> int:
        """Publish what other processes committed since the last poll; returns how many changes."""
        published = self._poll_gaps()
        while batch := self.read(self.cursor):
            for record_id, origin, change in batch:
                if record_id > self.cursor + 1 and len(self._gaps) < MOST_GAPS:
                    now = time.monotonic()
                    self._gaps.update(dict.fromkeys(range(self.cursor + 1, record_id), now))
                self.cursor = record_id
                published += self._publish(origin, change)
        return published

    def _publish(self, origin: str, change: Change) -> int:
        if origin == ORIGIN:  # our own changes were published when they committed
            return 0
        self.events.publish(change)
        return 1

    def _poll_gaps(self) -> int:
        if not self._gaps:
            return 0
        with self.store.read() as session:
            rows = session.exec(select(ChangeRecord).where(col(ChangeRecord.id).in_(list(self._gaps)))).all()
        published = 0
        for row in sorted(rows, key=lambda r: r.id or 0):
            self._gaps.pop(row.id or 0, None)
            published += self._publish(row.origin, _change(row))
        expired = time.monotonic() - GAP_WAIT_S
        self._gaps = {record_id: seen for record_id, seen in self._gaps.items() if seen > expired}
        return published

    def listen(self, wake: Callable[[], None]) -> Callable[[], None]:
        """Call `wake` (from a thread of its own) whenever another process may have committed; returns a closer.

        On PostgreSQL, on each notification; on SQLite, on each commit seen in the file's data_version where its
        folder can be watched (elsewhere this does nothing). `wake` should lead to `poll()` on the follower's
        own thread."""
        if self.store.dialect == "postgresql":
            from tasktune_gui.core.notify import ChangeListener

            listener = ChangeListener(self.store.url, lambda _kind, _action: wake(), wake, name="feed-listen")
            return listener.close
        database = sqlite_path(self.store.url)
        if database is None:
            return lambda: None
        return DataVersionWatch(database, wake, interval=None, name="feed-watch").close

    def prune(self, keep: timedelta = KEEP) -> None:
        prune_changes(self.store, keep)


def _change(row: ChangeRecord) -> Change:
    return Change(row.kind, row.action, tuple(row.ids.split()))


def prune_changes(store: Store, keep: timedelta = KEEP) -> None:
    """Forget records older than `keep`; followers are seconds behind, never an hour."""
    with store.write() as session:
        session.execute(delete(ChangeRecord).where(col(ChangeRecord.time) < utcnow() - keep))
