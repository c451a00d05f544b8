"""Charts of scalars shared by SCALARS and Compare: a chart per metric with its series, smoothing, the x-axis and
smoothing controls, and the palette's colours for pyqtgraph."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from tasktune_gui.core.results import ScalarPoint, ScalarRow
from tasktune_gui.ui.common.naming import named

# Ten, so ten compared tasks each have their own; readable on light and dark backgrounds.
COLOURS = ("#268bd2", "#dc322f", "#2e9e44", "#b58900", "#6c71c4", "#cb4b16", "#d33682", "#2aa198", "#8c564b",
           "#859900")
X_AXES = ("Iteration", "Relative time (s)", "Wall time")
SMOOTHING_POINTS = 10_000  # a smoothed line needs no more points than a screen can show


@dataclass
class Series:
    iterations: np.ndarray
    times: np.ndarray  # seconds since the epoch
    values: np.ndarray
    start: float = 0.0  # its task's first report: where relative time counts from

    def xs(self, axis: int) -> np.ndarray:
        if axis == 0:
            return self.iterations
        return self.times - self.start if axis == 1 else self.times


@dataclass(frozen=True)
class LineLook:
    """How a series is drawn: its colour, and a dash where one colour stands for several series (Compare's tasks)."""

    colour: str
    style: Qt.PenStyle = Qt.PenStyle.SolidLine


def group_points(points: list[ScalarPoint]) -> dict[str, dict[str, Series]]:
    """One task's points as metric → series name → Series, relative time counted from the task's first report."""
    return group_rows([(p.metric, p.series, p.iteration, p.value, p.time.timestamp() if p.time else 0.0)
                       for p in points])


def group_rows(rows: list[ScalarRow]) -> dict[str, dict[str, Series]]:
    """group_points of the plain rows ResultStore.scalars_of reads for Compare."""
    grouped: dict[str, dict[str, tuple[list[int], list[float], list[float]]]] = {}
    for metric, name, iteration, value, at in rows:
        its, times, values = grouped.setdefault(metric, {}).setdefault(name, ([], [], []))
        its.append(iteration)
        times.append(at)
        values.append(value)
    series = {
        metric: {name: Series(np.asarray(i, dtype=float), np.asarray(t), np.asarray(v)) for name, (i, t, v)
                 in lines.items()}
        for metric, lines in grouped.items()
    }
    starts = [s.times.min() for lines in series.values() for s in lines.values() if len(s.times)]
    start = float(min(starts)) if starts else 0.0
    for lines in series.values():
        for line in lines.values():
            line.start = start
    return series


def smooth(xs: np.ndarray, ys: np.ndarray, weight: float) -> tuple[np.ndarray, np.ndarray]:
    """An exponential moving average with its start-up bias removed (as TensorBoard draws it).

    Long series are first averaged into SMOOTHING_POINTS buckets, so a million points smooth in milliseconds."""
    if weight <= 0 or len(ys) == 0:
        return xs, ys
    if len(ys) > SMOOTHING_POINTS:
        size = -(-len(ys) // SMOOTHING_POINTS)
        cut = len(ys) // size * size
        xs = xs[:cut].reshape(-1, size).mean(axis=1)
        ys = ys[:cut].reshape(-1, size).mean(axis=1)
    out = np.empty(len(ys))
    average, debias = 0.0, 0.0
    for index, value in enumerate(ys.tolist()):
        average = average * weight + (1 - weight) * value
        debias = debias * weight + (1 - weight)
        out[index] = average / debias
    return xs, out


class MetricChart(QWidget):
    """One metric: its plot, a raw and a smoothed line per series, and a read-out of the values under the cursor."""

    def __init__(self, metric: str, title: str | None = None, legend: bool = True) -> None:
        """`legend`: a key of the series inside the plot (Compare names its tasks' colours above its charts)."""
        super().__init__()
        self.metric_name = metric
        self.title = title or metric
        self.plot = named(pg.PlotWidget(title=self.title), f"chart_{metric}")
        if legend:
            self.plot.addLegend()
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setMinimumHeight(220)
        self.readout = named(QLabel(" "), f"readout_{metric}")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888", style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.cursor_line, ignoreBounds=True)
        self.cursor_line.hide()
        self.raw: dict[str, pg.PlotDataItem] = {}
        self.smoothed: dict[str, pg.PlotDataItem] = {}
        self.drawn: dict[str, np.ndarray] = {}  # the x values of each series as drawn, for the read-out
        self.series: dict[str, Series] = {}
        self.axis = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.readout)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.follow_palette()

    def follow_palette(self) -> None:
        """Colours from the palette (pyqtgraph's own are white on black): background, axes, title, legend."""
        text = paint_plot(self.plot, self.palette())
        item = self.plot.getPlotItem()
        item.setTitle(self.title, color=text.name())
        if item.legend is not None:
            for _sample, label in item.legend.items:  # those shown: drawn again, their colour is in their text
                label.setText(label.text, color=text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.follow_palette()
        super().changeEvent(event)

    def set_series(self, series: dict[str, Series], axis: int, weight: float,
                   looks: dict[str, LineLook] | None = None) -> None:
        """Draw the series (by name; `looks` gives each its colour, else one per series from COLOURS)."""
        self.series = series
        if axis != self.axis:
            self.axis = axis
            self.plot.setAxisItems({"bottom": pg.DateAxisItem() if axis == 2 else pg.AxisItem("bottom")})
            self.plot.setLabel("bottom", X_AXES[axis])
            self.follow_palette()  # the new axis starts in pyqtgraph's colours
        for index, (name, data) in enumerate(sorted(series.items())):
            look = looks[name] if looks else LineLook(COLOURS[index % len(COLOURS)])
            xs = data.xs(axis)
            self.drawn[name] = xs
            raw = self.raw.get(name)
            if raw is None:
                raw = self.raw[name] = self.plot.plot(name=name)
                # Draws at most a few points per pixel, so a million-point series stays fluid.
                raw.setDownsampling(auto=True, method="peak")
                raw.setClipToView(True)
            raw.setData(xs, data.values)
            raw.setPen(pg.mkPen(look.colour, width=1 if weight > 0 else 2, style=look.style))
            raw.setOpacity(0.3 if weight > 0 else 1.0)
            line = self.smoothed.get(name)
            if weight > 0:
                if line is None:
                    line = self.smoothed[name] = self.plot.plot()
                line.setPen(pg.mkPen(look.colour, width=2, style=look.style))
                line.setData(*smooth(xs, data.values, weight))
                line.show()
            elif line is not None:
                line.hide()

    def values_at(self, x: float) -> str:
        """The value of each series at the point nearest to x, as the read-out shows it."""
        parts = []
        for name in sorted(self.series):
            xs, values = self.drawn[name], self.series[name].values
            if len(xs) == 0:
                continue
            index = int(np.clip(np.searchsorted(xs, x), 0, len(xs) - 1))
            if index > 0 and abs(xs[index - 1] - x) <= abs(xs[index] - x):
                index -= 1
            parts.append(f"{name}: {values[index]:.6g} @ {int(self.series[name].iterations[index])}")
        return "   ".join(parts)

    def _mouse_moved(self, position: QPointF) -> None:
        view = self.plot.getPlotItem().vb
        if not view.sceneBoundingRect().contains(position):
            self.cursor_line.hide()
            return
        x = float(view.mapSceneToView(position).x())
        self.cursor_line.setPos(x)
        self.cursor_line.show()
        self.readout.setText(self.values_at(x))


class ScalarControls(QWidget):
    """The x-axis choice and the smoothing slider: SCALARS and Compare's charts share them."""

    changed = Signal()

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.x_axis = named(QComboBox(), f"{prefix}XAxis")
        self.x_axis.addItems(X_AXES)
        self.smoothing = named(QSlider(Qt.Orientation.Horizontal), f"{prefix}Smoothing")
        self.smoothing.setRange(0, 99)
        self.smoothing.setMaximumWidth(200)
        self.smoothing_label = QLabel("Smoothing 0.00")
        self.x_axis.currentIndexChanged.connect(self._changed)
        self.smoothing.valueChanged.connect(self._changed)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("X axis"), self.x_axis, self.smoothing_label, self.smoothing):
            bar.addWidget(widget)
        bar.addStretch(1)

    @property
    def weight(self) -> float:
        return self.smoothing.value() / 100

    @property
    def axis(self) -> int:
        return self.x_axis.currentIndex()

    def _changed(self) -> None:
        self.smoothing_label.setText(f"Smoothing {self.weight:.2f}")
        self.changed.emit()


def paint_plot(plot: pg.PlotWidget, palette: QPalette) -> QColor:
    """A chart in the palette's colours (pyqtgraph's own are white on black): background, axes, legend; the text
    colour, for what the caller adds."""
    background = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    plot.setBackground(background)
    item = plot.getPlotItem()
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(text))
        axis.setTextPen(pg.mkPen(text))
    if item.legend is not None:
        item.legend.setLabelTextColor(text)  # for the series added from now on
        item.legend.setBrush(pg.mkBrush(background))
    return text
