"""Waking an idle worker the moment work may be there: in-process events, SQLite's data_version, PostgreSQL NOTIFY."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tasktune_gui.core.api import Core
from tasktune_gui.core.data_version import DATA_VERSION_INTERVAL_S, DataVersionWatch
from tasktune_gui.core.events import Change
from tasktune_gui.core.notify import ChangeListener
from tasktune_gui.core.store import sqlite_path


class Wakeup:
    """An event the dispatcher waits on; set by enqueues in this process and by commits of other processes.

    `interval`: how often SQLite's data_version is read where the database's folder cannot be watched."""

    def __init__(self, core: Core, interval: float = DATA_VERSION_INTERVAL_S) -> None:
        self.core = core
        self.event = threading.Event()
        self._unsubscribe: Callable[[], None] = core.events.subscribe(self._on_change)
        self._watch: DataVersionWatch | None = None
        self._listener: ChangeListener | None = None
        if core.store.dialect == "postgresql":
            # Another machine's enqueue arrives as a notification; after a reconnection, look once anyway.
            self._listener = ChangeListener(core.store.url, self._on_notified, self.event.set, name="worker-listen")
        database = sqlite_path(core.store.url)
        if database is not None:  # another process's commit
            self._watch = DataVersionWatch(database, self.event.set, interval=interval, name="worker-wakeup")

    def _on_change(self, change: Change) -> None:
        self._on_notified(change.kind, change.action)

    def _on_notified(self, kind: str, action: str) -> None:
        if wakes_worker(kind, action):
            self.event.set()

    def wait(self, timeout: float) -> bool:
        woke = self.event.wait(timeout)
        self.event.clear()
        return woke

    def close(self) -> None:
        self._unsubscribe()
        self.event.set()
        if self._listener is not None:
            self._listener.close()
        if self._watch is not None:
            self._watch.close()


def wakes_worker(kind: str, action: str) -> bool:
    """Work may be there: a task enqueued or finished, a queue changed, a worker paused or resumed."""
    if kind in ("task", "queue"):
        return action in ("status", "created", "updated")
    return kind == "worker" and action == "updated"
