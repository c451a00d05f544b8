"""Every Qt test (one that uses `qtbot` or `qapp`) ends with no thread it started still running and no timer of
its widgets still active: what a closed window leaves behind slows every later test and hides shutdown bugs."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator

import pytest
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.exceptions import TimeoutError as WaitTimedOut
from pytestqt.qtbot import QtBot


def process_threads() -> set[threading.Thread]:
    """Threads that live as long as the process once something starts them, so the test that happens to start
    them leaks nothing: fsspec's I/O loop (the object stores' clients) and its executor's threads (its lookups)."""
    fsspec_loops = sys.modules.get("fsspec.asyn")
    if fsspec_loops is None or fsspec_loops.loop[0] is None:
        return set()
    executor = getattr(fsspec_loops.loop[0], "_default_executor", None)
    return {fsspec_loops.iothread[0], *getattr(executor, "_threads", ())}


def active_timers(owners: Iterable[QObject]) -> set[QTimer]:
    """The running timers among the owners' children, at any depth."""
    return {timer for owner in owners for timer in owner.findChildren(QTimer) if timer.isActive()}


def describe(timer: QTimer) -> str:
    parent = timer.parent()
    owner = type(parent).__name__ if parent is not None else "no parent"
    return f"{timer.objectName() or 'unnamed timer'} of {owner} ({timer.interval()} ms)"


class LeakCheck:
    """What runs at a test's start (`__init__`) and what must have ended by its end (`verify`)."""

    def __init__(self, thread_timeout_ms: int = 10_000) -> None:
        self.threads_before = set(threading.enumerate())
        # Only the windows the test opens are searched for timers (the application's own objects too): a search
        # of every window still alive from earlier tests would grow with the session.
        self.windows_before = set(QApplication.topLevelWidgets())
        self.app_timers_before = active_timers([QApplication.instance()])
        self.thread_timeout_ms = thread_timeout_ms

    def started_threads(self) -> list[threading.Thread]:
        return [thread for thread in set(threading.enumerate()) - self.threads_before - process_threads()
                if thread.is_alive()]

    def verify(self, qtbot: QtBot) -> None:
        try:  # a closing thread gets time to end; a passing test waits for nothing
            qtbot.waitUntil(lambda: not self.started_threads(), timeout=self.thread_timeout_ms)
        except WaitTimedOut:
            pytest.fail(f"threads still running after the test: {sorted(t.name for t in self.started_threads())}")
        opened = [window for window in QApplication.topLevelWidgets() if window not in self.windows_before]
        timers = active_timers(opened) | (active_timers([QApplication.instance()]) - self.app_timers_before)
        leaked = sorted(describe(timer) for timer in timers)
        if leaked:
            pytest.fail(f"timers still active after the test: {leaked}")


@pytest.fixture(autouse=True)
def _qt_leak_check(request: pytest.FixtureRequest) -> Iterator[None]:
    """Runs after pytest-qt has closed the test's widgets and after every fixture set up later has ended."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    qtbot: QtBot = request.getfixturevalue("qtbot")
    check = LeakCheck()
    yield
    check.verify(qtbot)
