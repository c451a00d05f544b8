"""Work off the GUI thread: submit a callable, get its result (or error) back in a callback on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject

from tasktune_gui.ui.common import gui_thread

log = logging.getLogger(__name__)


class Background(QObject):
    """A small thread pool; callbacks run on the thread that owns this object (the GUI thread).

    Python's executor rather than QThreadPool.start(callable), which crashed PySide 6.12 under load
    (a refcount error in its callable wrapper); the result crosses threads through gui_thread.
    """

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tasktune-background")
        gui_thread.prepare()
        self._closed = False

    def run(self, work: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[Exception], None] | None = None) -> None:
        def task() -> None:
            try:
                result = work()
            except Exception as exc:  # handed to the GUI thread, never raised in a pool thread
                gui_thread.call_on_gui(self, self._on_finished, failed, None, exc)
                return
            gui_thread.call_on_gui(self, self._on_finished, done, result, None)

        if not self._closed:
            self.pool.submit(task)

    def _on_finished(self, callback: Callable[[Any], None] | None, result: Any, error: Exception | None) -> None:
        if self._closed:
            return
        if error is not None:
            if callback is None:
                log.error("background work failed: %s", error)
            else:
                callback(error)
            return
        if callback is not None:
            callback(result)

    def close(self) -> None:
        """Wait for running work and drop its callbacks: nothing outlives the window."""
        self._closed = True
        self.pool.shutdown(wait=True, cancel_futures=True)
