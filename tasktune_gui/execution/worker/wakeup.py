"""Waking an idle worker the moment work may be there: in-process events, SQLite's data_version, PostgreSQL NOTIFY."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable

from sqlalchemy.engine import make_url

from tasktune_gui.core.api import Core
from tasktune_gui.core.events import Change
from tasktune_gui.core.notify import ChangeListener

DATA_VERSION_INTERVAL_S = 0.01


class Wakeup:
    """An event the dispatcher waits on; set by enqueues in this process and by commits of other processes."""

    def __init__(self, core: Core, interval: float = DATA_VERSION_INTERVAL_S) -> None:
        self.core = core
        self.event = threading.Event()
        self.interval = interval
        self._closed = threading.Event()
        self._unsubscribe: Callable[[], None] = core.events.subscribe(self._on_change)
        self._watcher: threading.Thread | None = None
        self._listener: ChangeListener | None = None
        if core.store.dialect == "postgresql":
            # Another machine's enqueue arrives as a notification; after a reconnection, look once anyway.
            self._listener = ChangeListener(core.store.url, self._on_notified, self.event.set, name="worker-listen")
        database = _sqlite_file(core.store.url)
        if database is not None:
            self._watcher = threading.Thread(
                target=self._watch_data_version, args=(database,), name="worker-wakeup", daemon=True
            )
            self._watcher.start()

    def _on_change(self, change: Change) -> None:
        self._on_notified(change.kind, change.action)

    def _on_notified(self, kind: str, action: str) -> None:
        if wakes_worker(kind, action):
            self.event.set()

    def _watch_data_version(self, database: str) -> None:
        """PRAGMA data_version changes whenever another connection commits; reading it costs microseconds."""
        connection = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
        try:
            seen = connection.execute("PRAGMA data_version").fetchone()[0]
            while not self._closed.wait(self.interval):
                try:
                    now = connection.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error:
                    continue
                if now != seen:
                    seen = now
                    self.event.set()
        finally:
            connection.close()

    def wait(self, timeout: float) -> bool:
        woke = self.event.wait(timeout)
        self.event.clear()
        return woke

    def close(self) -> None:
        self._unsubscribe()
        self._closed.set()
        self.event.set()
        if self._listener is not None:
            self._listener.close()
        if self._watcher is not None:
            with contextlib.suppress(RuntimeError):
                self._watcher.join(2)


def wakes_worker(kind: str, action: str) -> bool:
    """Work may be there: a task enqueued or finished, a queue changed, a worker paused or resumed."""
    if kind in ("task", "queue"):
        return action in ("status", "created", "updated")
    return kind == "worker" and action == "updated"


def _sqlite_file(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return parsed.database
