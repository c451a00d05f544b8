"""Background work: results and errors come back on the GUI thread; closing waits and drops callbacks."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.common.background import Background


def test_result_and_error_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    background = Background()
    seen: list[tuple[object, bool]] = []
    gui = QApplication.instance().thread()  # type: ignore[union-attr]
    worker_threads: list[int] = []

    def work() -> int:
        worker_threads.append(threading.get_ident())
        return 42

    def fail() -> int:
        raise ValueError("no such thing")

    background.run(work, lambda result: seen.append((result, QThread.currentThread() is gui)))
    background.run(fail, lambda _r: None, lambda error: seen.append((str(error), QThread.currentThread() is gui)))
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen == [(42, True), ("no such thing", True)]
    assert worker_threads != [threading.get_ident()]
    background.close()


def test_close_waits_and_drops_callbacks(qtbot: QtBot) -> None:
    background = Background()
    release = threading.Event()
    seen: list[object] = []
    background.run(lambda: release.wait(5), seen.append)
    release.set()
    background.close()
    QApplication.processEvents()
    assert seen == []
    assert not [t for t in threading.enumerate() if t.name.startswith("tasktune-background")]
    background.run(lambda: 1, seen.append)  # refused once closed
    QApplication.processEvents()
    assert seen == []
