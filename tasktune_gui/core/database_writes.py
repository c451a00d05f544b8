"""Waiting for a write to a SQLite database's files (inotify on Linux), so a follower of its commits need not poll."""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class DatabaseWrites:
    """Blocks until some process writes the database file or its journal, `interrupt` is called, or a timeout.

    One thread waits; any thread may interrupt. `open` gives None where the kernel cannot watch the folder
    (not Linux, no inotify instance left): the caller polls instead."""

    def __init__(self, database: Path) -> None:
        from inotify_simple import INotify, flags  # Linux only: installed only there

        self.name = database.name
        self._inotify = INotify()
        try:
            # The folder, not the files: the journal comes and goes, and the folder's watch sees it come back.
            self._inotify.add_watch(database.parent, flags.MODIFY | flags.CREATE | flags.MOVED_TO)
            self._wake_read, self._wake_write = os.pipe()
        except OSError:
            self._inotify.close()
            raise
        self._lock = threading.Lock()  # an interrupt never writes to a descriptor closed (and maybe reused)
        self._closed = False
        self._poller = select.poll()
        self._poller.register(self._inotify.fileno(), select.POLLIN)
        self._poller.register(self._wake_read, select.POLLIN)

    @classmethod
    def open(cls, database: Path) -> DatabaseWrites | None:
        try:
            return cls(database.resolve())
        except (ImportError, OSError, AttributeError) as exc:  # AttributeError: a C library without inotify
            log.debug("polling %s: no watch on its folder (%s)", database, exc)
            return None

    def wait(self, timeout: float) -> bool:
        """True when the database's files were written since the last call; False at the timeout or interrupt."""
        if self.written():
            return True
        ready = {fd for fd, _ in self._poller.poll(timeout * 1000)}
        return self._inotify.fileno() in ready and self.written()

    def written(self) -> bool:
        """Reads what the kernel queued, without waiting: did any of it touch the database's files?"""
        return any(event.name == self.name or event.name.startswith(f"{self.name}-")
                   for event in self._inotify.read(timeout=0))

    def interrupt(self) -> None:
        with self._lock, contextlib.suppress(OSError):
            if not self._closed:
                os.write(self._wake_write, b"x")

    def close(self) -> None:
        """By the waiting thread, after its last `wait`."""
        with self._lock:
            self._closed = True
            self._inotify.close()
            os.close(self._wake_read)
            os.close(self._wake_write)
