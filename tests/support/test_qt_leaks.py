"""The leak check every Qt test ends with: it names a thread or a timer left running, and passes once they end."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.support.qt_leaks import WATCH, LeakCheck, says_misuse


def test_a_thread_left_running_is_named_and_one_that_ends_passes(qtbot: QtBot) -> None:
    check = LeakCheck(thread_timeout_ms=100)
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="left-behind", daemon=True)
    thread.start()
    with pytest.raises(pytest.fail.Exception, match="left-behind"):
        check.verify(qtbot)
    release.set()
    check.verify(qtbot)  # waits for the thread's end


def test_an_active_timer_of_a_closed_widget_is_named(qtbot: QtBot) -> None:
    check = LeakCheck()
    widget = QWidget()
    qtbot.addWidget(widget)
    timer = QTimer(widget)
    timer.setObjectName("refresh")
    timer.start(60_000)
    widget.close()
    with pytest.raises(pytest.fail.Exception, match="refresh of QWidget"):
        check.verify(qtbot)
    timer.stop()
    check.verify(qtbot)


def test_qt_saying_an_object_is_misused_fails_the_test_or_the_run(qtbot: QtBot, request: pytest.FixtureRequest) -> None:
    timer = QTimer()
    misuse = threading.Thread(target=lambda: timer.start(60_000))  # a timer of the GUI thread, from another
    heard = len(WATCH.heard)
    with request.node.qt_log_capture.disabled():  # as between tests, when pytest-qt captures nothing
        misuse.start()
        misuse.join()
    said = WATCH.heard[heard:]
    del WATCH.heard[heard:]  # heard: this run must not fail for it
    assert len(said) == 1 and said[0].startswith("QObject::startTimer: Timers cannot be started from another thread")
    with pytest.raises(pytest.fail.Exception, match="Timers cannot be started"):
        LeakCheck().verify(qtbot, said)


def test_only_what_means_a_bug_counts_as_misuse() -> None:
    assert says_misuse("QObject: shared QObject was deleted directly. The program is malformed and may crash.")
    assert says_misuse("QThread: Destroyed while thread '' is still running")
    assert says_misuse("QObject::connect: Cannot queue arguments of type 'QTextCursor'")
    for headless in ("This plugin does not support propagateSizeHints()",
                     "QStandardPaths: XDG_RUNTIME_DIR not set, defaulting to '/tmp/runtime-root'",
                     "qt.qpa.fonts: Populating font family aliases took 120 ms."):
        assert not says_misuse(headless)
