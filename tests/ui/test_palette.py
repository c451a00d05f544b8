"""Light and dark palettes follow the system's scheme; status colours stay readable on both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tasktune_gui.core.status import Status
from tasktune_gui.ui.main_window import MainWindow
from tasktune_gui.ui.palette import DARK_STATUS, LIGHT_STATUS, dark_palette, palette_is_dark
from tests.ui.test_main_window import open_demo, row_of


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def light_again(window: MainWindow) -> Iterator[None]:
    yield
    assert window.theme is not None
    window.theme.apply(Qt.ColorScheme.Light)  # the application palette is shared by the tests that follow


@pytest.mark.parametrize("dark", [False, True])
def test_status_colours_are_readable_on_their_palette(window: MainWindow, dark: bool) -> None:
    light_base = window.theme.light if window.theme else QPalette()
    palette = dark_palette() if dark else light_base
    base = palette.color(QPalette.ColorRole.Base)
    for status in Status:
        colour = QColor((DARK_STATUS if dark else LIGHT_STATUS)[status.value])
        assert contrast(colour, base) >= 4.5, (status, dark, round(contrast(colour, base), 2))


def test_window_follows_the_system_colour_scheme(window: MainWindow, qtbot: QtBot, light_again: None) -> None:
    open_demo(qtbot, window)
    column = 4  # STATUS
    index = window.model.index(row_of(window, "baseline"), column)
    assert not palette_is_dark()
    assert index.data(Qt.ItemDataRole.ForegroundRole).name() == LIGHT_STATUS["completed"]
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # as the platform does
    qtbot.waitUntil(palette_is_dark)
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).name() == "#2b2b2b"
    assert index.data(Qt.ItemDataRole.ForegroundRole).name() == DARK_STATUS["completed"]
    window.show_page("Projects")
    assert DARK_STATUS["completed"] in window.projects.card("Demo").counts_label.text()
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: not palette_is_dark())
    assert LIGHT_STATUS["completed"] in window.projects.card("Demo").counts_label.text()
