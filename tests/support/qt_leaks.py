"""Every Qt test (one that uses `qtbot` or `qapp`) ends with no thread it started still running and no timer of
its widgets still active: what a closed window leaves behind slows every later test and hides shutdown bugs. A
message in which Qt says our objects are misused fails the test it came in, or the run when it came between tests."""

from __future__ import annotations

import gc
import re
import sys
import threading
from collections.abc import Iterable, Iterator

import pytest
from PySide6.QtCore import QEvent, QMessageLogContext, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication
from pytestqt.exceptions import TimeoutError as WaitTimedOut
from pytestqt.qtbot import QtBot

from tasktune_gui.execution.run.run_folders import REMOVER
from tasktune_gui.execution.run.setup_log import WATCHER

# What Qt says of an object deleted twice or from the wrong thread, a timer or socket used off its thread, a thread
# destroyed while running: each a bug of ours, and a crash to come. Never what a headless machine prints anyway
# (the offscreen platform's "This plugin does not support ...", fonts, XDG_RUNTIME_DIR).
MISUSE = re.compile(r"^(QObject|QThread|QBasicTimer|QTimer|QSocketNotifier|QCoreApplication::(post|send)Event)\b")


def says_misuse(message: str) -> bool:
    return MISUSE.match(message) is not None


class MisuseWatch:
    """Qt's messages of misuse that come while no test captures Qt's messages (pytest-qt does during a test):
    between tests, and at the session's end, while what is left is collected."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    def __call__(self, _kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if says_misuse(message):
            self.heard.append(message)
        sys.stderr.write(message + "\n")  # as Qt's own handler would


WATCH = MisuseWatch()


def pytest_configure(config: pytest.Config) -> None:
    qInstallMessageHandler(WATCH)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """What is left of the tests' windows is collected now, while a message it causes can still fail the run."""
    gc.collect()
    if QApplication.instance() is not None:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if WATCH.heard:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        sys.stderr.write("Qt said an object was misused between tests:\n" + "\n".join(WATCH.heard) + "\n")


def pytest_unconfigure(config: pytest.Config) -> None:
    qInstallMessageHandler(None)  # Qt's own again: Python code must not be called while the interpreter ends


def misuse_in(item: pytest.Item) -> list[str]:
    """The test's own messages of misuse, as pytest-qt captured them (its set-up, call and teardown so far)."""
    capture = getattr(item, "qt_log_capture", None)
    return [record.message for record in getattr(capture, "records", ()) if says_misuse(record.message)]


def process_threads() -> set[threading.Thread]:
    """Threads that live as long as the process once something starts them, so the test that happens to start
    them leaks nothing: the runs' setup watcher and folder remover, fsspec's I/O loop (the object stores'
    clients) and its executor's threads (its lookups)."""
    lasting = {thread for thread in (WATCHER.thread, REMOVER.thread) if thread is not None}
    fsspec_loops = sys.modules.get("fsspec.asyn")
    if fsspec_loops is None or fsspec_loops.loop[0] is None:
        return lasting
    executor = getattr(fsspec_loops.loop[0], "_default_executor", None)
    return lasting | {fsspec_loops.iothread[0], *getattr(executor, "_threads", ())}


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

    def verify(self, qtbot: QtBot, messages: list[str] | None = None) -> None:
        if messages:
            pytest.fail(f"Qt said an object was misused: {messages}")
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
    check.verify(qtbot, misuse_in(request.node))
