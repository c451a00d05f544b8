"""Calls handed from other threads run on the GUI thread, once per burst, and never reach a deleted object."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.common import gui_thread
from tasktune_gui.ui.common.qt_bridge import Waker


def from_thread(work: object) -> None:
    thread = threading.Thread(target=work)  # type: ignore[arg-type]
    thread.start()
    thread.join(5)


def test_calls_from_threads_run_in_order_on_the_gui_thread(qtbot: QtBot) -> None:
    gui_thread.prepare()
    owner = QObject()
    seen: list[tuple[int, bool]] = []
    gui = QApplication.instance().thread()  # type: ignore[union-attr]

    def put_many() -> None:
        for n in range(200):
            gui_thread.call_on_gui(owner, lambda n=n: seen.append((n, QThread.currentThread() == gui)))

    from_thread(put_many)
    qtbot.waitUntil(lambda: len(seen) == 200)
    assert seen == [(n, True) for n in range(200)]


def test_a_call_for_a_deleted_owner_is_dropped(qtbot: QtBot) -> None:
    gui_thread.prepare()
    gone, kept = QObject(), QObject()
    seen: list[str] = []
    from_thread(lambda: (gui_thread.call_on_gui(gone, seen.append, "gone"),
                         gui_thread.call_on_gui(kept, seen.append, "kept")))
    shiboken6.delete(gone)
    qtbot.waitUntil(lambda: seen == ["kept"])


def test_an_error_in_one_call_does_not_lose_the_others(qtbot: QtBot) -> None:
    gui_thread.prepare()
    seen: list[str] = []

    def broken() -> None:
        raise ValueError("broken call")

    from_thread(lambda: (gui_thread.call_on_gui(None, broken), gui_thread.call_on_gui(None, seen.append, "after")))
    with qtbot.captureExceptions() as raised:
        qtbot.waitUntil(lambda: seen == ["after"])
    assert [str(error) for _, error, _ in raised] == ["broken call"]


def test_a_burst_of_wakes_makes_one_call(qtbot: QtBot) -> None:
    calls: list[int] = []
    waker = Waker(lambda: calls.append(1))
    from_thread(lambda: [waker.wake() for _ in range(500)])
    qtbot.waitUntil(lambda: calls == [1])
    waker.wake()
    qtbot.waitUntil(lambda: calls == [1, 1])
