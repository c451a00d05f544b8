"""Compare's SCALARS tab: the selected tasks' curves overlaid, a chart per metric, one colour per task."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from tasktune_gui.core.results import ScalarRow
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.scalar_charts import COLOURS, LineLook, MetricChart, ScalarControls, Series, group_rows

# A task keeps its colour on every chart; where a metric has several series, the series differ by dash.
STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
STYLE_NAMES = ("solid", "dashed", "dotted", "dash-dot")
Overlay = dict[str, tuple[dict[str, Series], dict[str, LineLook]]]  # metric → (line name → data, line name → look)


@dataclass(frozen=True)
class TaskCurves:
    label: str  # as the legend names the task
    colour: str
    series: dict[str, dict[str, Series]]  # metric → series name → points


def task_curves(labels: list[str], points: list[list[ScalarRow]]) -> list[TaskCurves]:
    """Each task's points grouped, with its colour from the charts' palette in the order the tasks are listed."""
    return [TaskCurves(label, COLOURS[index % len(COLOURS)], group_rows(found))
            for index, (label, found) in enumerate(zip(labels, points, strict=True))]


def overlay(tasks: list[TaskCurves]) -> Overlay:
    """Per metric, a line per task and series: named by the task alone, or "metric/series — task" where the metric
    has several series. A task that lacks a metric simply has no line on its chart."""
    metrics = sorted({metric for task in tasks for metric in task.series})
    charts: Overlay = {}
    for metric in metrics:
        names = sorted({name for task in tasks for name in task.series.get(metric, {})})
        lines: dict[str, Series] = {}
        looks: dict[str, LineLook] = {}
        for task in tasks:
            for name, data in task.series.get(metric, {}).items():
                line = f"{metric}/{name} — {task.label}" if len(names) > 1 else task.label
                lines[line] = data
                looks[line] = LineLook(task.colour, STYLES[names.index(name) % len(STYLES)])
        charts[metric] = (lines, looks)
    return charts


def chart_title(metric: str, tasks: list[TaskCurves]) -> str:
    """The metric, and which dash is which series where it has several: the tasks' colours are named above."""
    names = sorted({name for task in tasks for name in task.series.get(metric, {})})
    if len(names) < 2:
        return metric
    key = " · ".join(f"{STYLE_NAMES[index % len(STYLES)]} {name}" for index, name in enumerate(names))
    return f"{metric}  ({key})"


class CompareScalars(QWidget):
    """The shared x-axis and smoothing controls, a legend of the tasks' colours, and the charts in a scroll area."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("compareScalars")
        self.controls = ScalarControls("compare")
        self.controls.changed.connect(self._redraw)
        self.legend = named(QLabel(), "compareLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.status = named(QLabel("Reading the tasks' scalars…"), "compareScalarsStatus")
        self.charts: dict[str, MetricChart] = {}
        self._overlay: Overlay = {}
        self._body = QWidget()
        self._charts_layout = QVBoxLayout(self._body)
        self._charts_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.controls)
        layout.addWidget(self.legend)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)

    def show_tasks(self, tasks: list[TaskCurves]) -> None:
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color:{task.colour}">■</span>&nbsp;{html.escape(task.label)}' for task in tasks))
        self._overlay = overlay(tasks)
        for metric in sorted(self._overlay):
            # No key inside the plot: it hides the lines under it, and the legend above names the tasks' colours.
            chart = self.charts[metric] = MetricChart(metric, chart_title(metric, tasks), legend=False)
            self._charts_layout.insertWidget(self._charts_layout.count() - 1, chart)
        self.status.setText("None of these tasks reported scalars." if not self._overlay else "")
        self.status.setVisible(not self._overlay)
        self._redraw()

    def show_error(self, error: Exception) -> None:
        self.status.setText(f"Could not read the scalars: {error}")

    def _redraw(self) -> None:
        for metric, chart in self.charts.items():
            lines, looks = self._overlay[metric]
            chart.set_series(lines, self.controls.axis, self.controls.weight, looks)
