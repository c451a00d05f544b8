"""A thread of the process that does the work handed to it: started with the first piece, asleep while none waits."""

from __future__ import annotations

import threading


class ProcessThread:
    """Subclasses add work under `_cond`, then call `_wake()`; `_loop` runs on the thread for the process's life."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._cond = threading.Condition()
        self.thread: threading.Thread | None = None

    def _wake(self) -> None:
        """Called holding `_cond`, with work just added: starts the thread the first time, wakes it after."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self.thread.start()
        self._cond.notify_all()

    def _loop(self) -> None:
        raise NotImplementedError
