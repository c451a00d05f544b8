"""The SCALARS tab: a chart per metric, a line per series; x by iteration or time, smoothing, cursor values."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.ui.common.scalar_charts import MetricChart, ScalarControls, Series, group_points


class ScalarsView(QScrollArea):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("scalarsView")
        self.setWidgetResizable(True)
        self.charts: dict[str, MetricChart] = {}
        self._series: dict[str, dict[str, Series]] = {}
        self.controls = ScalarControls("scalars")
        self.x_axis, self.smoothing = self.controls.x_axis, self.controls.smoothing
        self.smoothing_label = self.controls.smoothing_label
        self.controls.changed.connect(self._redraw)
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.addWidget(self.controls)
        self.empty = QLabel("No scalars yet: a script reports them with sdk.report_scalar(title, series, value, i).")
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)
        self.setWidget(self._body)

    @property
    def weight(self) -> float:
        return self.controls.weight

    def show_points(self, points: list[ScalarPoint]) -> None:
        self._series = group_points(points)
        for metric in [m for m in self.charts if m not in self._series]:
            chart = self.charts.pop(metric)
            chart.setParent(None)
            chart.deleteLater()
        for metric in self._series:
            if metric not in self.charts:
                chart = self.charts[metric] = MetricChart(metric)
                self._layout.insertWidget(self._layout.count() - 1, chart)
        self.empty.setVisible(not self._series)
        self._redraw()

    def _redraw(self) -> None:
        for metric, chart in self.charts.items():
            chart.set_series(self._series[metric], self.controls.axis, self.weight)
