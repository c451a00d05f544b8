"""The leak check every Qt test ends with: it names a thread or a timer left running, and passes once they end."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.support.qt_leaks import LeakCheck


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
