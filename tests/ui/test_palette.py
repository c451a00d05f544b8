"""Light and dark palettes follow the system's scheme; status colours stay readable on both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tasktune_gui.core.status import Status
from tasktune_gui.ui.common.palette import DARK_STATUS, LIGHT_STATUS, dark_palette, palette_is_dark
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_main_window import open_demo, row_of, select_rows


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
    qtbot.waitUntil(lambda: DARK_STATUS["completed"] in window.projects.card("Demo").counts_label.text())
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: not palette_is_dark())
    qtbot.waitUntil(lambda: LIGHT_STATUS["completed"] in window.projects.card("Demo").counts_label.text())


def test_scalars_charts_follow_the_palette(window: MainWindow, qtbot: QtBot, light_again: None) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline")
    table = window.tasks_page.table
    rect = table.visualRect(window.model.index(row_of(window, "baseline"), 2))
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.task_page
    tab_bar = page.tabs.tabBar()
    scalars = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == "SCALARS")
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(scalars).center())
    assert page.scalars.charts, "the demo's baseline reports scalars"

    def colours() -> list[tuple[bool, bool, bool, bool]]:
        """Per chart: is the background dark, are the axes' text, the title and the legend's names dark."""
        shown = []
        for chart in page.scalars.charts.values():
            item = chart.plot.getPlotItem()
            background = chart.plot.backgroundBrush().color()
            axis_text = item.getAxis("left").textPen().color()
            title = QColor(item.titleLabel.opts["color"])
            legend_html = item.legend.items[0][1].item.toHtml()
            drawn = QColor(legend_html.split("color:")[-1].split(";")[0].strip())  # the colour the text is drawn in
            shown.append((background.lightness() < 128, axis_text.lightness() < 128, title.lightness() < 128,
                          drawn.lightness() < 128))
        return shown

    assert set(colours()) == {(False, True, True, True)}  # dark on light, as the rest of the window
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    qtbot.waitUntil(lambda: set(colours()) == {(True, False, False, False)})
