"""The SWEEP tab's other charts: every trial's learning curve of the objective on one plot, and which parameters
drive the objective (Optuna's importance) as horizontal bars."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from tasktune_gui.execution.sweep.importance import MIN_TRIALS, Importance
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.scalar_charts import paint_plot

CURVE_COLOUR = "#268bd2"
BEST_COLOUR = "#dc322f"
GREYED = "#9e9e9e"  # pruned and failed trials
BAR_COLOUR = "#268bd2"


def joined(curves: list[list[tuple[int, float]]]) -> tuple[np.ndarray, np.ndarray]:
    """Many curves as one line item's data: a NaN between two curves breaks the line there."""
    points: list[tuple[float, float]] = []
    for curve in curves:
        points += curve
        points.append((math.nan, math.nan))
    if not points:
        return np.empty(0), np.empty(0)
    both = np.array(points, dtype=float)
    return both[:, 0], both[:, 1]


class LearningCurves(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph has no type hints
    """The objective's series of every trial by iteration: ended ones in blue, pruned and failed ones grey, the
    best trial's in red on top. Three line items whatever the number of trials."""

    def __init__(self) -> None:
        super().__init__()
        self.showGrid(x=True, y=True, alpha=0.2)
        self.setLabel("bottom", "Iteration")
        self.addLegend()
        self.greyed = self.plot(pen=pg.mkPen(GREYED, width=1), connect="finite", name="pruned or failed")
        self.curves = self.plot(pen=pg.mkPen(CURVE_COLOUR, width=1), connect="finite", name="trials")
        self.best = self.plot(pen=pg.mkPen(BEST_COLOUR, width=2.5), name="best trial")
        self.follow_palette()

    def follow_palette(self) -> None:
        paint_plot(self, self.palette())

    def show_curves(self, sweep: dict[str, Any]) -> None:
        objective = sweep["definition"]["objective"]
        self.setLabel("left", f"{objective['metric']}/{objective['series']}")
        curves: dict[str, list[tuple[int, float]]] = sweep.get("curves", {})
        greyed: list[list[tuple[int, float]]] = []
        others: list[list[tuple[int, float]]] = []
        for trial in sweep["trials"]:
            points = curves.get(trial["id"])
            if not points or trial["id"] == sweep["best"]:
                continue
            (greyed if trial["state"] in ("pruned", "failed") else others).append(points)
        self.greyed.setData(*joined(greyed), connect="finite")
        self.curves.setData(*joined(others), connect="finite")
        self.best.setData(*joined([curves.get(sweep["best"] or "", [])]), connect="finite")


class ImportanceChart(QWidget):
    """Horizontal bars, the parameter that matters most on top, and a line saying what they rest on."""

    def __init__(self) -> None:
        super().__init__()
        self.note = named(QLabel(), "sweepImportanceNote")
        self.note.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.showGrid(x=True, y=False, alpha=0.2)
        self.plot.setLabel("bottom", "Importance (% of the objective's variation)")
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.getPlotItem().setMenuEnabled(False)
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.6, width=[], brush=BAR_COLOUR, pen=None)
        self.plot.addItem(self.bars)
        self.names: list[str] = []  # the parameters as listed, most important first
        self.values: list[float] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)  # the note clear of the tab bar above
        layout.addWidget(self.note)
        layout.addWidget(self.plot, 1)
        self.follow_palette()

    def follow_palette(self) -> None:
        paint_plot(self.plot, self.palette())

    def show_waiting(self) -> None:
        self.note.setText("Working out the importance of each parameter…")

    def show_failed(self, error: Exception) -> None:
        self.note.setText(f"The importance could not be worked out: {error}")

    def show_importance(self, found: Importance) -> None:
        ranked = sorted(found.importances.items(), key=lambda item: -item[1])
        self.names = [name for name, _ in ranked]
        self.values = [share for _, share in ranked]
        if not ranked:
            self.note.setText(f"Importance needs at least {MIN_TRIALS} completed trials "
                              f"({found.trials} so far).")
        else:
            self.note.setText(f"From {found.trials} completed trials (Optuna's PED-ANOVA): how much of the "
                              f"objective's variation among the best trials each parameter explains.")
        count = len(ranked)
        # The most important at the top: bar i sits at y = count - 1 - i.
        percents = [100 * share for share in self.values]
        self.bars.setOpts(x0=[0] * count, y=list(range(count - 1, -1, -1)), width=percents, height=0.6)
        axis = self.plot.getAxis("left")
        axis.setTicks([[(count - 1 - index, name) for index, name in enumerate(self.names)]])
        self.plot.setYRange(-0.6, max(count - 0.4, 0.4), padding=0)
        self.plot.setXRange(0, max([*percents, 1.0]) * 1.05, padding=0)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        axis.setTextPen(text)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft)
