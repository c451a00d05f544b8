"""Every task action and page has a vector icon that renders sharply at high device pixel ratios."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize

from tasktune_gui.ui.common.icons import icon
from tasktune_gui.ui.window.main_window import PAGES, MainWindow
from tasktune_gui.ui.window.task_actions import TASK_ACTIONS


def test_actions_and_pages_have_crisp_icons(window: MainWindow, caplog: pytest.LogCaptureFixture) -> None:
    for action in TASK_ACTIONS:
        assert not window.qactions[action.id].icon().isNull(), action.id
    for row in range(len(PAGES)):
        assert not window.navigation.item(row).icon().isNull(), PAGES[row]
    # Drawn from SVG, the 2x pixmap is a real 2x rendering, not a scaled-up 1x one.
    sharp = icon("clone").pixmap(QSize(24, 24), 2.0)
    assert sharp.size() == QSize(48, 48) and sharp.devicePixelRatio() == 2.0
    assert caplog.records == []
    # A missing icon never stops the window, but it is said: an installation without its data files shows.
    assert icon("no-such-icon").isNull()
    assert "icon 'no-such-icon' is missing" in caplog.text
