"""Follows the changes other processes commit (workers, other windows, the CLI), read off the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from tasktune_gui.core.api import Core
from tasktune_gui.core.feed import ChangeFeed
from tasktune_gui.core.retry import is_disconnect
from tasktune_gui.ui.common.background import Background
from tasktune_gui.ui.common.qt_bridge import Waker

log = logging.getLogger(__name__)
POLL_MS = 500  # a safety net: PostgreSQL's NOTIFY, or on SQLite a commit seen in the file, wakes a poll at once


class FeedFollower(QObject):
    """Polls the change feed on a thread of its own; what it finds reaches the GUI thread through the core's
    change bus (ChangeSignals). Under a worker's flood of console batches that read cost the GUI thread
    10-30 ms a tick when it ran there. `unreachable(message)` says when the database cannot be read."""

    unreachable = Signal(str)

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.feed = ChangeFeed(core.store, core.events)
        self._background = Background(self)  # one thread: polls run one after another
        self._polling = self._again = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        self.timer.start(POLL_MS)
        self._waker = Waker(self.poll, self)
        # From the first poll on: the window's start pays for neither the listener's connection nor the watch's
        # set-up (30 ms the first time on SQLite), and that poll reads what came before.
        self._stop_listening: Callable[[], None] | None = None

    @property
    def listening(self) -> bool:
        return self._stop_listening is not None

    def poll(self) -> None:
        if self._polling:
            self._again = True  # one more poll once this one is done: a change may have come after its read
            return
        self._polling = True
        self._background.run(self.feed.poll, self._on_polled, self._on_failed)

    def _on_polled(self, _published: int) -> None:
        self._polling = False
        if self._stop_listening is None:
            self._stop_listening = self.feed.listen(self._waker.wake)
        if self._again:
            self._again = False
            self.poll()

    def _on_failed(self, exc: Exception) -> None:
        self._polling = self._again = False  # the next tick tries again
        if not is_disconnect(exc):
            log.error("following the database's changes failed", exc_info=exc)
        self.unreachable.emit(f"Database unreachable, retrying: {self.core.store.display_name}")

    def close(self) -> None:
        self.timer.stop()
        if self._stop_listening is not None:
            self._stop_listening()
        self._background.close()
