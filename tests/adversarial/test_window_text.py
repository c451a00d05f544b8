"""Item 10: what the window shows as typed: an & in a breadcrumb, and a console font that is really fixed-pitch."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontInfo
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.console_lines import ConsoleLines
from tasktune_gui.ui.main_window import PAGES, MainWindow


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
