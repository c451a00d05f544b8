"""Hands a call from any thread to the GUI thread, touching no widget's Qt object from the calling thread.

Emitting a widget's signal from a reader or pool thread crashed the window (PySide6 6.12, Python 3.13): the
widget could be deleted on the GUI thread during the emit, and Python objects carried as signal arguments
were copied and released by Qt on the wrong thread. Here the calls wait in a Python deque, and the only Qt
call from a foreign thread is an argument-less signal of one object that lives as long as the application.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal


class _Inbox(QObject):
    """The calls waiting for the GUI thread; one wake-up however many arrive before it runs."""

    _wake = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._calls: deque[tuple[QObject | None, Callable[..., Any], tuple[Any, ...]]] = deque()
        self._lock = threading.Lock()
        self._woken = False
        self._wake.connect(self._run_calls, Qt.ConnectionType.QueuedConnection)

    def put(self, owner: QObject | None, call: Callable[..., Any], args: tuple[Any, ...]) -> None:
        with self._lock:
            self._calls.append((owner, call, args))
            if self._woken:
                return
            self._woken = True
        self._wake.emit()

    def _run_calls(self) -> None:
        with self._lock:
            calls, self._calls = self._calls, deque()
            self._woken = False
        error: Exception | None = None
        for owner, call, args in calls:
            if owner is not None and not shiboken6.isValid(owner):
                continue  # its page or dialog was closed meanwhile: nobody is left to tell
            try:
                call(*args)
            except Exception as exc:  # the other calls still run; the first error is raised after them
                error = error or exc
        if error is not None:
            raise error


_inbox: _Inbox | None = None
_inbox_lock = threading.Lock()


def prepare() -> None:
    """Make the inbox on the GUI thread; every object that hands calls over calls this in its constructor."""
    global _inbox
    with _inbox_lock:
        if _inbox is not None:
            return
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() != app.thread():
            raise RuntimeError("the GUI thread's inbox must be made on the GUI thread, after the application")
        _inbox = _Inbox()


def call_on_gui(owner: QObject | None, call: Callable[..., Any], *args: Any) -> None:
    """Run `call(*args)` on the GUI thread soon, unless `owner` (a widget or object) has been deleted by then."""
    if _inbox is None:
        raise RuntimeError("gui_thread.prepare() was not called on the GUI thread")
    _inbox.put(owner, call, args)
