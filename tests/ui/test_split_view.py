"""The split view: the selected task's page beside the table, following the selection (View → F3)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_main_window import open_demo, select_rows


def test_details_beside_the_table_follow_the_selection(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline")
    qtbot.keyClick(window, Qt.Key.Key_F3)
    side = window.findChild(object, "sideTaskPage")
    assert side is not None
    qtbot.waitUntil(side.isVisible)
    assert window.split_toggle.isChecked()
    assert side.name.text() == "baseline"
    assert window.stack.currentWidget() is window.tasks_page  # the table stays in view
    select_rows(qtbot, window, "momentum sweep")
    qtbot.waitUntil(lambda: side.name.text() == "momentum sweep")
    window.core.tasks.rename(side.task_id, "momentum sweep 2")  # changes reach the page beside the table
    qtbot.waitUntil(lambda: side.name.text() == "momentum sweep 2")
    window.split_toggle.trigger()
    assert not side.isVisible()
