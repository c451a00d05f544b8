"""Parallel coordinates of a sweep: a vertical axis per parameter and the objective, a line per trial coloured by
its objective; a drag along an axis selects a range of it, and the trials outside every range are dimmed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsRectItem

from tasktune_gui.ui.common.scalar_charts import paint_plot

# From the best objective to the worst: the palette's blue, violet and orange, in BINS steps (one line item each,
# so a thousand trials draw as a handful of items).
RAMP = ("#268bd2", "#6c71c4", "#cb4b16")
BINS = 8
GREYED = "#9e9e9e"  # failed and pruned trials
NEAR_AXIS = 0.25  # how far from an axis (in axis spacings) a drag or click still means that axis
LABEL_TICKS = 5  # values written along a numeric axis
SNAP = 0.01  # a drag this close to an axis's end reaches it (a pixel short would leave out a choice there)


@dataclass(frozen=True)
class Axis:
    """One vertical axis. A trial's value is placed by its scale: the value itself (linear), its log10 (log) or
    its index (choice); `low` and `high` are the scale's ends. Ranges are kept in scale units, so they keep their
    meaning when the objective's axis widens with new trials."""

    name: str
    kind: str  # linear, log, choice
    low: float
    high: float
    choices: tuple[str, ...] = ()

    def scale(self, text: Any) -> float:
        """NaN for a value that cannot be placed (missing, not a number, not one of the choices)."""
        if self.kind == "choice":
            return float(self.choices.index(str(text))) if str(text) in self.choices else math.nan
        try:
            number = float(text)
        except (TypeError, ValueError):
            return math.nan
        if self.kind == "log":
            return math.log10(number) if number > 0 else math.nan
        return number

    def unit(self, scaled: float) -> float:
        """0 at the axis's foot, 1 at its head."""
        if self.high == self.low:
            return 0.5
        return (scaled - self.low) / (self.high - self.low)

    def scaled(self, unit: float) -> float:
        return self.low + unit * (self.high - self.low)

    def labels(self) -> list[tuple[float, str]]:
        """(unit position, text) of the values written beside the axis."""
        if self.kind == "choice":
            return [(self.unit(index), choice) for index, choice in enumerate(self.choices)]
        steps = 1 if self.high == self.low else LABEL_TICKS - 1
        marks = [self.low + (self.high - self.low) * step / steps for step in range(steps + 1)]
        return [(self.unit(mark), f"{10 ** mark if self.kind == 'log' else mark:.3g}") for mark in marks]


def sweep_axes(definition: dict[str, Any], objectives: list[float]) -> list[Axis]:
    """One axis per parameter of the definition, then the objective's over the values seen so far."""
    axes = []
    for param in definition["params"]:
        name = param["name"].partition("/")[2] or param["name"]
        if param["kind"] == "choice":
            count = len(param["values"])
            axes.append(Axis(name, "choice", 0.0, float(max(count - 1, 0)), tuple(param["values"])))
        elif param["kind"] == "log":
            axes.append(Axis(name, "log", math.log10(param["low"]), math.log10(param["high"])))
        else:
            axes.append(Axis(name, "linear", float(param["low"]), float(param["high"])))
    objective = definition["objective"]
    seen = [value for value in objectives if math.isfinite(value)]
    low, high = (min(seen), max(seen)) if seen else (0.0, 1.0)
    axes.append(Axis(f"{objective['metric']}/{objective['series']}", "linear", low, high))
    return axes


def ramp_colour(share: float) -> QColor:
    """The colour at `share` (0 best, 1 worst) along RAMP."""
    position = min(max(share, 0.0), 1.0) * (len(RAMP) - 1)
    index = min(int(position), len(RAMP) - 2)
    start, end, part = QColor(RAMP[index]), QColor(RAMP[index + 1]), position - index
    return QColor.fromRgbF(start.redF() + (end.redF() - start.redF()) * part,
                           start.greenF() + (end.greenF() - start.greenF()) * part,
                           start.blueF() + (end.blueF() - start.blueF()) * part)


def _on_axis(unit: float) -> float:
    """A height dragged to, on the axis: past an end, or a pixel or two short of it, is that end."""
    return 0.0 if unit < SNAP else 1.0 if unit > 1 - SNAP else unit


class _AxesBox(pg.ViewBox):  # type: ignore[misc]  # pyqtgraph has no type hints
    """The plot's view box: a drag near an axis selects a range of it, a click near one clears it (no panning)."""

    def __init__(self, chart: ParallelCoordinates) -> None:
        super().__init__(enableMenu=False)
        self.chart = chart
        self.setMouseEnabled(x=False, y=False)

    def mouseDragEvent(self, ev: Any, axis: Any = None) -> None:  # noqa: N802
        start = self.mapSceneToView(ev.buttonDownScenePos())
        index = self.chart.axis_near(start.x())
        if index is None:
            ev.ignore()
            return
        ev.accept()
        here = self.mapSceneToView(ev.scenePos())
        low, high = sorted((_on_axis(start.y()), _on_axis(here.y())))
        if ev.isFinish():
            self.chart.select_range(index, low, high)
        else:
            self.chart.show_dragging(index, low, high)

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802
        index = self.chart.axis_near(self.mapSceneToView(ev.scenePos()).x())
        if index is None:
            ev.ignore()
            return
        ev.accept()
        self.chart.clear_range(index)


class ParallelCoordinates(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph has no type hints
    """Trials as lines across the axes; `selection_changed` says which trial ids pass every range (None: no
    range is set, all pass)."""

    selection_changed = Signal(object)

    def __init__(self) -> None:
        super().__init__(viewBox=_AxesBox(self))
        for side in ("left", "bottom"):
            self.getPlotItem().hideAxis(side)
        self.axes: list[Axis] = []
        self.ranges: dict[str, tuple[float, float]] = {}  # axis name -> (low, high) in the axis's scale
        self.ids: list[str] = []
        self.scaled = np.empty((0, 0))  # a row per trial: its value on each axis's scale
        self.units = np.empty((0, 0))  # and its height on each axis (0 at the foot, 1 at the head)
        self.shares = np.empty(0)  # a trial's place from best (0) to worst (1); NaN for failed and pruned
        self.greyed_rows = np.empty(0, dtype=bool)
        self.selected: set[str] | None = None
        # Pens one pixel wide: Qt's fast path, which a thousand lines need.
        self.lines = [self.plot(pen=pg.mkPen(ramp_colour(b / (BINS - 1)), width=1), connect="finite")
                      for b in range(BINS)]
        self.greyed = self.plot(pen=pg.mkPen(GREYED, width=1), connect="finite")
        self.dimmed = self.plot(pen=pg.mkPen(QColor(158, 158, 158, 60), width=1), connect="finite")
        self.dimmed.setZValue(-2)
        self.greyed.setZValue(-1)
        self.decor: list[Any] = []  # axis lines, labels and range boxes: redrawn when the axes or ranges change
        self._decor_of: tuple[Any, ...] | None = None
        self.follow_palette()

    def follow_palette(self) -> None:
        paint_plot(self, self.palette())
        text = self.palette().color(QPalette.ColorRole.WindowText).name()
        self.getPlotItem().setTitle("A line per trial, blue the best objective to orange the worst, grey pruned or "
                                    "failed. Drag along an axis to keep a range; click the axis to clear it.",
                                    color=text, size="9pt")
        self._decor_of = None
        self._draw_axes()

    def show_trials(self, definition: dict[str, Any], trials: list[dict[str, Any]], goal: str) -> None:
        objectives = [t["objective"] if t["objective"] is not None else math.nan for t in trials]
        self.axes = sweep_axes(definition, [v for v in objectives if not math.isnan(v)])
        params = [p["name"] for p in definition["params"]]
        self.ids = [t["id"] for t in trials]
        columns = [[t["values"].get(name) for t in trials] for name in params] + [objectives]
        # A row per trial, a column per axis (shaped even for no trial at all).
        self.scaled = np.array([[axis.scale(value) for value in column]
                                for axis, column in zip(self.axes, columns, strict=True)],
                               dtype=float).reshape(len(self.axes), len(trials)).T
        self.units = np.array([[axis.unit(value) for value in self.scaled[:, index]]
                               for index, axis in enumerate(self.axes)],
                              dtype=float).reshape(len(self.axes), len(trials)).T
        objective = self.axes[-1]
        share = np.array([objective.unit(v) for v in objectives], dtype=float)
        share = share if goal == "min" else 1 - share
        ended = np.array([t["state"] == "complete" for t in trials], dtype=bool)
        self.shares = np.where(ended, share, np.nan)
        self.greyed_rows = np.array([t["state"] in ("failed", "pruned") for t in trials], dtype=bool)
        self.getPlotItem().setXRange(-0.5, len(self.axes) - 0.5, padding=0)
        self.getPlotItem().setYRange(-0.12, 1.1, padding=0)
        self._draw_axes()
        self._apply()

    def axis_near(self, x: float) -> int | None:
        index = round(x)
        if 0 <= index < len(self.axes) and abs(x - index) <= NEAR_AXIS:
            return index
        return None

    def select_range(self, index: int, low: float, high: float) -> None:
        """A range of axis `index` from unit `low` to `high`: replaces that axis's range."""
        axis = self.axes[index]
        self.ranges[axis.name] = tuple(sorted((axis.scaled(low), axis.scaled(high))))  # type: ignore[assignment]
        self._draw_axes()
        self._apply()

    def clear_range(self, index: int) -> None:
        if self.ranges.pop(self.axes[index].name, None) is not None:
            self._draw_axes()
            self._apply()

    def clear_ranges(self) -> None:
        if self.ranges:
            self.ranges.clear()
            self._draw_axes()
            self._apply()

    def show_dragging(self, index: int, low: float, high: float) -> None:
        self._draw_axes(dragging=(index, low, high))

    def _passing(self) -> np.ndarray:
        passing = np.ones(len(self.ids), dtype=bool)
        for index, axis in enumerate(self.axes):
            bounds = self.ranges.get(axis.name)
            if bounds is not None:
                column = self.scaled[:, index]
                with np.errstate(invalid="ignore"):  # NaN (a value missing) is outside every range
                    passing &= (column >= bounds[0]) & (column <= bounds[1])
        return passing

    def _apply(self) -> None:
        passing = self._passing()
        selected = None if not self.ranges else {self.ids[row] for row in np.flatnonzero(passing)}
        bins = np.where(np.isnan(self.shares), -1, np.minimum((np.nan_to_num(self.shares) * BINS).astype(int),
                                                              BINS - 1))
        for number, line in enumerate(self.lines):
            self._set_lines(line, passing & (bins == number) & ~self.greyed_rows)
        self._set_lines(self.greyed, passing & (self.greyed_rows | (bins < 0)))
        self._set_lines(self.dimmed, ~passing)
        if selected != self.selected:
            self.selected = selected
            self.selection_changed.emit(selected)

    def _set_lines(self, item: pg.PlotDataItem, rows: np.ndarray) -> None:
        """The chosen trials as one item: each line across the axes, then a NaN to break it from the next."""
        units = self.units[rows]
        count, width = len(units), len(self.axes)
        if count == 0:
            item.setData([], [])
            return
        xs = np.tile(np.append(np.arange(width, dtype=float), np.nan), count)
        ys = np.hstack([units, np.full((count, 1), np.nan)]).ravel()
        item.setData(xs, ys, connect="finite")

    def _draw_axes(self, dragging: tuple[int, float, float] | None = None) -> None:
        drawn = (tuple(self.axes), tuple(sorted(self.ranges.items())), dragging)
        if drawn == self._decor_of:
            return  # a refresh with the same axes (most of them while trials run) keeps its labels
        self._decor_of = drawn
        plot = self.getPlotItem()
        for item in self.decor:
            plot.removeItem(item)
        self.decor = []
        text = self.palette().color(QPalette.ColorRole.WindowText)
        highlight = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        for index, axis in enumerate(self.axes):
            line = pg.PlotCurveItem([index, index], [0, 1], pen=pg.mkPen(text, width=1))
            title = pg.TextItem(axis.name, color=text, anchor=(0.5, 1))
            title.setPos(index, 1.02)
            self.decor += [line, title]
            for unit, label in axis.labels():
                mark = pg.TextItem(label, color=text, anchor=(0, 0.5))
                mark.setPos(index + 0.03, unit)
                self.decor.append(mark)
            bounds = self.ranges.get(axis.name)
            shown = (axis.unit(bounds[0]), axis.unit(bounds[1])) if bounds else None
            if dragging is not None and dragging[0] == index:
                shown = dragging[1:]
            if shown is not None:
                box = QGraphicsRectItem(QRectF(index - 0.06, shown[0], 0.12, shown[1] - shown[0]))
                fill = QColor(highlight)
                fill.setAlpha(90)
                box.setBrush(fill)
                box.setPen(pg.mkPen(highlight))
                self.decor.append(box)
        for item in self.decor:
            plot.addItem(item, ignoreBounds=True)
            if isinstance(item, QGraphicsRectItem):
                item.setZValue(5)  # a range's box over the lines
