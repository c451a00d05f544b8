"""The SCALARS tab: x by iteration or time, smoothing, the values under the cursor, and very long series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from pytestqt.qtbot import QtBot

from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.ui.common.scalar_charts import SMOOTHING_POINTS, smooth
from tasktune_gui.ui.task.scalars_view import ScalarsView

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def points() -> list[ScalarPoint]:
    loss = [ScalarPoint("loss", "train", i, v, START + timedelta(seconds=10 * i))
            for i, v in enumerate([1.0, 0.0, 1.0])]
    val = [ScalarPoint("loss", "val", i, 0.5, START + timedelta(seconds=10 * i + 5)) for i in range(3)]
    return loss + val


@pytest.fixture
def view(qtbot: QtBot) -> ScalarsView:
    shown = ScalarsView()
    qtbot.addWidget(shown)
    shown.resize(700, 500)
    shown.show()
    shown.show_points(points())
    return shown


def test_x_axis_by_iteration_relative_or_wall_time(view: ScalarsView) -> None:
    chart = view.charts["loss"]
    assert list(chart.raw["train"].xData) == [0, 1, 2]
    view.x_axis.setCurrentIndex(1)
    assert list(chart.raw["train"].xData) == [0, 10, 20]
    assert list(chart.raw["val"].xData) == [5, 15, 25]
    view.x_axis.setCurrentIndex(2)
    assert chart.raw["train"].xData[0] == START.timestamp()


def test_smoothing_draws_a_debiased_moving_average_over_the_raw_line(view: ScalarsView) -> None:
    chart = view.charts["loss"]
    assert "train" not in chart.smoothed
    view.smoothing.setValue(50)
    assert view.smoothing_label.text() == "Smoothing 0.50"
    line = chart.smoothed["train"]
    assert line.isVisible()
    assert np.allclose(line.yData, [1.0, 1 / 3, 5 / 7])  # 0.5-weighted EMA of 1, 0, 1 without start-up bias
    assert list(chart.raw["train"].yData) == [1.0, 0.0, 1.0]  # the raw values stay, faint
    view.smoothing.setValue(0)
    assert not line.isVisible()


def test_values_under_the_cursor(view: ScalarsView, qtbot: QtBot) -> None:
    chart = view.charts["loss"]
    assert chart.values_at(1.2) == "train: 0 @ 1   val: 0.5 @ 1"
    assert chart.values_at(99) == "train: 1 @ 2   val: 0.5 @ 2"
    scene = chart.plot.scene()
    centre = chart.plot.getPlotItem().vb.sceneBoundingRect().center()
    # The scene's own hover signal, as a pointer moving over the plot emits it (offscreen pointer moves do not
    # reliably reach a scene once another window was open in the same run).
    scene.sigMouseMoved.emit(centre)
    assert chart.readout.text().startswith("train: ")
    assert chart.cursor_line.isVisible()
    scene.sigMouseMoved.emit(QPointF(1, 1))  # off the plotting area: the cursor line goes
    assert not chart.cursor_line.isVisible()


def test_a_million_points_smooth_into_a_screenful() -> None:
    xs = np.arange(1_000_000, dtype=float)
    ys = np.sin(xs / 1000)
    sx, sy = smooth(xs, ys, 0.9)
    assert len(sx) == len(sy) <= SMOOTHING_POINTS
    assert sx[0] < 100 and sx[-1] > 999_000


def test_new_points_update_the_charts_in_place(view: ScalarsView) -> None:
    chart = view.charts["loss"]
    more = [*points(), ScalarPoint("loss", "train", 3, 0.25, START), ScalarPoint("acc", "train", 3, 0.9, START)]
    view.show_points(more)
    assert view.charts["loss"] is chart
    assert list(chart.raw["train"].yData) == [1.0, 0.0, 1.0, 0.25]
    assert sorted(view.charts) == ["acc", "loss"]
    view.show_points([])
    assert view.charts == {} and view.empty.isVisible()
