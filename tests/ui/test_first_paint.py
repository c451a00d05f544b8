"""Work that waits for a shown window's first paint (the core's opening thread), and runs once."""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.window.first_paint import after_first_paint


class PaintedWidget(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        self.painted = True
        super().paintEvent(event)


def test_a_hidden_window_runs_the_action_at_once(qtbot: QtBot) -> None:
    widget = PaintedWidget()
    qtbot.addWidget(widget)
    calls: list[bool] = []
    after_first_paint(widget, lambda: calls.append(widget.painted))
    assert calls == [False]


def test_a_shown_window_runs_the_action_once_after_its_first_paint(qtbot: QtBot) -> None:
    widget = PaintedWidget()
    qtbot.addWidget(widget)
    widget.show()
    calls: list[bool] = []
    after_first_paint(widget, lambda: calls.append(widget.painted))
    assert calls == []  # not exposed yet
    qtbot.waitUntil(lambda: calls != [])
    assert calls == [True]
    widget.hide()
    widget.show()  # a second expose
    qtbot.waitExposed(widget)
    qtbot.wait(20)  # timers of the second expose's turn, were there one left
    assert calls == [True]
