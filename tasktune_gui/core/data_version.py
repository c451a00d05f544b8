"""Following other connections' commits to a SQLite file: its data_version, read after each write to its folder."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tasktune_gui.core.database_writes import DatabaseWrites

DATA_VERSION_INTERVAL_S = 0.01
# The write that wakes the watch comes before its commit is visible: SQLite writes the commit's pages to the WAL,
# then marks it committed in shared memory, which makes no event. So data_version is read a pause after a write
# (a commit's writes come closer together), then every 10 ms until 0.1 s pass with no write, for a commit that
# shows later still.
QUIET_S = 0.001
FOLLOW_WRITE_S = 0.1
# In case a write is never seen (a network file system shows the kernel only this machine's writes).
WATCHED_POLL_S = 1.0


class DataVersionWatch:
    """Calls `on_change` (from a thread of its own) whenever another connection has committed to `database`.

    `interval`: how often data_version is read where the folder cannot be watched (not Linux, no inotify
    instance left); None to give up there, for a caller that polls anyway."""

    def __init__(self, database: Path, on_change: Callable[[], None], *, interval: float | None,
                 name: str) -> None:
        self.database = database
        self.on_change = on_change
        self.interval = interval
        self._closed = threading.Event()
        self._writes: DatabaseWrites | None = None
        self._last_write = 0.0
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        writes = self._writes = DatabaseWrites.open(self.database)
        if writes is None and self.interval is None:
            return
        connection = sqlite3.connect(self.database, check_same_thread=False, isolation_level=None)
        try:
            seen = connection.execute("PRAGMA data_version").fetchone()[0]
            while self._next_look(writes):
                try:
                    now = connection.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error:
                    continue
                if now != seen:
                    seen = now
                    self.on_change()
        finally:
            if writes is not None:
                writes.close()
            connection.close()

    def _next_look(self, writes: DatabaseWrites | None) -> bool:
        """Wait until data_version is worth reading again; False once closed."""
        if self._closed.is_set():  # closed before the watch was there to interrupt
            return False
        if writes is None:
            return not self._closed.wait(self.interval or DATA_VERSION_INTERVAL_S)
        following = time.monotonic() - self._last_write < FOLLOW_WRITE_S
        # Idle, the thread sleeps here for long and costs nothing.
        if writes.wait(DATA_VERSION_INTERVAL_S if following else WATCHED_POLL_S):
            self._settle(writes)
        return not self._closed.is_set()

    def _settle(self, writes: DatabaseWrites) -> None:
        """Let the commit's other writes come (one pause, then what came meanwhile is dropped), then follow."""
        self._closed.wait(QUIET_S)
        writes.written()
        self._last_write = time.monotonic()

    def close(self) -> None:
        self._closed.set()
        if self._writes is not None:
            self._writes.interrupt()
        if self.thread is not threading.current_thread():
            self.thread.join(2)

