"""The SCALARS tab: one chart per metric, one line per series, by iteration; long series are downsampled."""

from __future__ import annotations

from collections import defaultdict

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from tasktune_gui.core.results import ScalarPoint

COLOURS = ("#268bd2", "#dc322f", "#2e9e44", "#b58900", "#6c71c4", "#cb4b16")


class ScalarsView(QScrollArea):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("scalarsView")
        self.setWidgetResizable(True)
        self.charts: dict[str, pg.PlotWidget] = {}
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self.empty = QLabel("No scalars yet: a script reports them with sdk.report_scalar(title, series, value, i).")
        self._layout.addWidget(self.empty)
        self.setWidget(self._body)

    def show_points(self, points: list[ScalarPoint]) -> None:
        series: dict[str, dict[str, tuple[list[int], list[float]]]] = defaultdict(dict)
        for point in points:
            xs, ys = series[point.metric].setdefault(point.series, ([], []))
            xs.append(point.iteration)
            ys.append(point.value)
        for chart in self.charts.values():
            chart.setParent(None)
            chart.deleteLater()
        self.charts.clear()
        self.empty.setVisible(not series)
        for metric, lines in series.items():
            chart = pg.PlotWidget(title=metric)
            chart.setObjectName(f"chart_{metric}")
            chart.addLegend()
            chart.showGrid(x=True, y=True, alpha=0.2)
            chart.setLabel("bottom", "iteration")
            for index, (name, (xs, ys)) in enumerate(sorted(lines.items())):
                curve = chart.plot(xs, ys, name=name, pen=pg.mkPen(COLOURS[index % len(COLOURS)], width=2))
                # Draws at most a few points per pixel, so a million-point series stays fluid.
                curve.setDownsampling(auto=True, method="peak")
                curve.setClipToView(True)
            chart.setMinimumHeight(220)
            self._layout.addWidget(chart)
            self.charts[metric] = chart
