"""Items 10 and 3 in the window: an & in a breadcrumb, a console font that is really fixed-pitch, a commit checked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontInfo
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.console.console_lines import ConsoleLines
from tasktune_gui.ui.task.execution_tab import COMMIT, TAG
from tasktune_gui.ui.window.main_window import PAGES, MainWindow
from tests.ui.test_task_page import open_task


def test_workers_and_queues_breadcrumb_shows_its_ampersand(window: MainWindow, qtbot: QtBot) -> None:
    window.navigation.setCurrentRow(PAGES.index("Workers & Queues"))
    qtbot.waitUntil(lambda: window.breadcrumbs.texts() == ["Workers & Queues"])
    button = window.breadcrumbs.buttons[0]
    assert button.text() == "Workers && Queues"  # && is a literal &; a lone & would underline the next letter


def test_the_console_asks_for_a_fixed_pitch_font(qtbot: QtBot) -> None:
    console = ConsoleLines(100)
    qtbot.addWidget(console)
    font = console.font()
    assert font.styleHint() == QFont.StyleHint.TypeWriter and font.fixedPitch()
    assert QFontInfo(font).fixedPitch()  # what the matcher gave, not only what was asked for


def test_the_window_refuses_a_commit_the_repository_lacks(window: MainWindow, qtbot: QtBot) -> None:
    """Item 3 in the window: the same core check as `set`, said inline, with what was typed kept."""
    task_id = open_task(qtbot, window, "momentum sweep")
    source = window.task_page.execution.source
    before = window.core.task_json(task_id)["execution"]
    qtbot.mouseClick(source.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: source.refs.commits != [])
    source.ref_mode.setCurrentIndex(COMMIT)
    source.ref_value.setEditText("zzz")
    qtbot.mouseClick(source.save_button, Qt.MouseButton.LeftButton)
    assert "is not a commit id" in source.message.text()
    source.ref_mode.setCurrentIndex(TAG)
    source.ref_value.setEditText("no-such-tag")
    qtbot.mouseClick(source.save_button, Qt.MouseButton.LeftButton)
    assert "tag 'no-such-tag' is not in" in source.message.text()
    assert source.ref_value.currentText() == "no-such-tag"
    assert window.core.task_json(task_id)["execution"] == before
