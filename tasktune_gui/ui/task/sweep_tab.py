"""The SWEEP tab of an optimizer task: charts of how the search converges (objective per trial with the best so far,
parallel coordinates that filter the table, learning curves, parameter importance) above the trials' table, and the
sweep's own actions (pause, resume, stop, clone the best trial to a Draft)."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.execution.sweep.importance import Importance, param_importances
from tasktune_gui.ui.common.background import Background
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.scalar_charts import paint_plot
from tasktune_gui.ui.task.parallel_coordinates import ParallelCoordinates
from tasktune_gui.ui.task.sweep_charts import GREYED, ImportanceChart, LearningCurves
from tasktune_gui.ui.task.sweep_trials import TRIAL_ID, SelectedTrials, SweepTrialsModel

TRIAL_COLOUR = "#268bd2"
BEST_COLOUR = "#dc322f"


def best_so_far(objectives: list[float | None], goal: str) -> list[float | None]:
    best: float | None = None
    line: list[float | None] = []
    for value in objectives:
        if value is not None and (best is None or (value < best if goal == "min" else value > best)):
            best = value
        line.append(best)
    return line


class SweepTab(QWidget):
    open_trial = Signal(str)  # a trial's task id, double-clicked in the table
    compare_trials = Signal(list)  # the task ids of the trials selected in the table

    def __init__(self, core: Core, background: Background | None = None) -> None:
        super().__init__()
        self.setObjectName("sweepView")
        self.core = core
        self.sweep_id: str | None = None
        self.sweep: dict[str, Any] = {}
        self._sized = False
        self.summary = named(QLabel(), "sweepSummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = named(QLabel(), "sweepMessage")
        self.pause = named(QPushButton("Pause"), "sweepPause")
        self.stop = named(QPushButton("Stop"), "sweepStop")
        self.clone_best = named(QPushButton("Clone best to Draft"), "sweepCloneBest")
        self.compare = named(QPushButton("Compare"), "sweepCompare")
        self.compare.setToolTip("Compare the trials selected in the table (two or more): their fields and curves")
        self.compare.setEnabled(False)
        self.compare.clicked.connect(lambda: self.compare_trials.emit(self.selected_trials()))
        self.pause.clicked.connect(self._on_pause_clicked)
        self.stop.clicked.connect(lambda: self._act(lambda sweep: self.core.sweeps.stop(sweep)))
        self.clone_best.clicked.connect(self._on_clone_best_clicked)
        self.plot = named(pg.PlotWidget(), "sweepObjectiveChart")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "Trial")
        self.plot.addLegend()
        # One brush per item, not per point: a thousand trials draw in milliseconds.
        self.points = pg.ScatterPlotItem(size=8, name="objective", brush=pg.mkBrush(TRIAL_COLOUR), pen=None)
        self.greyed = pg.ScatterPlotItem(size=8, name="pruned or failed", brush=pg.mkBrush(GREYED), pen=None)
        self.plot.addItem(self.points)
        self.plot.addItem(self.greyed)
        self.best_line = self.plot.plot(pen=pg.mkPen(BEST_COLOUR, width=2), stepMode=None, name="best so far")
        self.trials = SweepTrialsModel()
        self.shown_trials = SelectedTrials(self.trials)
        self.table = named(QTableView(), "sweepTrials")
        self.table.setModel(self.shown_trials)
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        # Widths set once, at the first fill (ResizeToContents would measure every row again at each refresh).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.compare.setEnabled(len(self.selected_trials()) >= 2))
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # trials in their order
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.compare, self.pause, self.stop, self.clone_best):
            buttons.addWidget(button)
        self.coordinates = named(ParallelCoordinates(), "sweepParallelCoordinates")
        self.coordinates.selection_changed.connect(self._on_coordinates_selection_changed)
        self.curves = named(LearningCurves(), "sweepLearningCurves")
        self.importance = named(ImportanceChart(), "sweepImportance")
        # Importance is Optuna's work (tens of ms at a thousand trials): done off the GUI thread, once per change
        # in the completed trials; on the task page's thread, which the window closes with the page.
        self.background = background or Background(self)
        self._importance_of: tuple[Any, ...] | None = None
        self._importance_busy = False
        self._importance_next: dict[str, Any] | None = None
        # Charts as sub-tabs over the table (as Optuna Dashboard and W&B keep one chart wide at a time): each gets
        # the full width at 1440 pixels, and the table stays in view below.
        self.charts = named(QTabWidget(), "sweepCharts")
        self.charts.setDocumentMode(True)
        self._stale: set[QWidget] = set()  # charts to draw again when they come to the front
        for title, chart in (("Objective", self.plot), ("Parallel coordinates", self.coordinates),
                             ("Learning curves", self.curves), ("Importance", self.importance)):
            self.charts.addTab(chart, title)
        self.charts.currentChanged.connect(self._on_charts_current_changed)
        self.filter_note = named(QLabel(), "sweepFilterNote")
        self.filter_note.hide()
        below = QWidget()
        table_layout = QVBoxLayout(below)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.filter_note)
        table_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.charts)
        split.addWidget(below)
        split.setSizes([3, 2])  # a chart tall enough to read its axes; the table below
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.message.hide()
        self.follow_palette()

    def show_sweep(self, sweep_id: str, sweep: dict[str, Any], status: str) -> None:
        if sweep_id != self.sweep_id:
            self.coordinates.clear_ranges()  # another sweep's ranges (on axes of the same names) do not carry over
        self.sweep_id, self.sweep = sweep_id, sweep
        definition, trials = sweep["definition"], sweep["trials"]
        objective = definition["objective"]
        label = f"{objective['metric']}/{objective['series']}"
        best = sweep["best_objective"]
        done = sum(1 for t in trials if t["state"] != "running")
        self.summary.setText(
            f"{definition['method']} · {label} ({objective['goal']}, {objective['value']}) · "
            f"{done} of {sweep['budget']} trials done, {len(trials) - done} running · "
            + (f"best {best:g}" if best is not None else "no result yet") + f" · {sweep['state']}")
        self.pause.setText("Resume" if sweep["state"] == "paused" else "Pause")
        self.pause.setEnabled(sweep["state"] != "stopped" and status in ("pending", "running", "draft"))
        self.stop.setEnabled(sweep["state"] != "stopped")
        self.clone_best.setEnabled(sweep["best"] is not None)
        self._draw(trials, objective["goal"])
        self._stale = {self.coordinates, self.curves, self.importance}
        self._draw_shown_chart()
        self._fill_table(trials, [p["name"] for p in definition["params"]])
        self._filter_table()

    def _draw_shown_chart(self) -> None:
        """Only the chart in front is drawn (a hidden one is when it comes to the front): a refresh while trials
        run costs the table and one chart. The parallel coordinates are kept while a range filters the table."""
        if not self.sweep:
            return
        shown = self.charts.currentWidget()
        goal = self.sweep["definition"]["objective"]["goal"]
        if self.coordinates in self._stale and (shown is self.coordinates or self.coordinates.ranges):
            self._stale.discard(self.coordinates)
            self.coordinates.show_trials(self.sweep["definition"], self.sweep["trials"], goal)
        if self.curves in self._stale and shown is self.curves:
            self._stale.discard(self.curves)
            self.curves.show_curves(self.sweep)
        if self.importance in self._stale and shown is self.importance:
            self._stale.discard(self.importance)
            self._update_importance(self.sweep)

    def _on_charts_current_changed(self, _index: int) -> None:
        self._draw_shown_chart()

    def _update_importance(self, sweep: dict[str, Any]) -> None:
        done = tuple((t["id"], t["objective"]) for t in sweep["trials"] if t["state"] == "complete")
        key = (self.sweep_id, done)
        if key == self._importance_of:
            return
        self._importance_of = key
        if self._importance_busy:
            self._importance_next = sweep  # folded: only the newest waits
            return
        self._importance_busy = True
        self.importance.show_waiting()
        self.background.run(lambda: param_importances(sweep), self._on_importance_done,
                            self._on_importance_failed)

    def _on_importance_done(self, found: Importance) -> None:
        self.importance.show_importance(found)
        self._importance_ended()

    def _on_importance_failed(self, error: Exception) -> None:
        self.importance.show_failed(error)
        self._importance_ended()

    def _importance_ended(self) -> None:
        self._importance_busy = False
        waiting, self._importance_next = self._importance_next, None
        if waiting is not None:
            self._importance_of = None
            self._update_importance(waiting)

    def _on_coordinates_selection_changed(self, _selected: set[str] | None) -> None:
        self._filter_table()

    def _filter_table(self) -> None:
        """Only the trials inside every range of the parallel coordinates; all when none is set."""
        selected = self.coordinates.selected if self.coordinates.ranges else None
        if selected != self.shown_trials.selected:
            self.shown_trials.select(selected)
        if selected is None:
            self.filter_note.hide()
            return
        axes = ", ".join(self.coordinates.ranges)
        self.filter_note.setText(f"Showing {len(selected)} of {self.trials.rowCount()} trials: those inside the "
                                 f"ranges on {axes}. A click on an axis clears its range, Esc clears all.")
        self.filter_note.show()

    def _draw(self, trials: list[dict[str, Any]], goal: str) -> None:
        complete = [t for t in trials if t["state"] == "complete" and t["objective"] is not None]
        behind = [t for t in trials if t["state"] != "complete" and t["objective"] is not None]
        self.points.setData(x=[t["number"] for t in complete], y=[t["objective"] for t in complete])
        self.greyed.setData(x=[t["number"] for t in behind], y=[t["objective"] for t in behind])
        line = best_so_far([t["objective"] for t in complete], goal)
        self.best_line.setData([t["number"] for t in complete], [v for v in line if v is not None])

    def _fill_table(self, trials: list[dict[str, Any]], params: list[str]) -> None:
        self.trials.show_trials(trials, params)
        if not self._sized and trials:
            self._sized = True  # after that the person's widths stay
            self.table.resizeColumnsToContents()

    def follow_palette(self) -> None:
        paint_plot(self.plot, self.palette())
        for chart in (self.coordinates, self.curves, self.importance):
            chart.follow_palette()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Esc anywhere in the tab (the table, a chart) that its child did not take: every range cleared.
        if event.key() == Qt.Key.Key_Escape and self.coordinates.ranges:
            self.coordinates.clear_ranges()
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.follow_palette()
        super().changeEvent(event)

    def _act(self, action: Any) -> None:
        if self.sweep_id is None:
            return
        try:
            action(self.sweep_id)
        except TaskTuneError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        self.message.hide()

    def _on_pause_clicked(self) -> None:
        paused = self.sweep.get("state") == "paused"
        self._act(lambda sweep: self.core.sweeps.resume(sweep) if paused else self.core.sweeps.pause(sweep))

    def _on_clone_best_clicked(self) -> None:
        best = self.sweep.get("best")
        if best is not None:
            self._act(lambda _sweep: self.open_trial.emit(self.core.tasks.clone(best)))

    def selected_trials(self) -> list[str]:
        """The task ids of the trials selected in the table, in the table's order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [str(self.shown_trials.index(row, 0).data(TRIAL_ID)) for row in rows]

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        trial = index.data(TRIAL_ID)
        if trial is not None:
            self.open_trial.emit(str(trial))
