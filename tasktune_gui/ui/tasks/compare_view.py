"""Compare two or more tasks side by side: hyperparameters, last metric values, their curves overlaid and execution;
differences marked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.records import Fields, TaskRecord
from tasktune_gui.core.results import ScalarRow
from tasktune_gui.ui.common.background import Background
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.tasks.compare_scalars import CompareScalars, TaskCurves, task_curves

DIFFERENT = QColor(255, 196, 0, 70)  # readable on light and dark palettes
EXECUTION_KEYS = ("repository", "branch", "tag", "commit", "entry_point", "working_dir", "binary", "output_uri",
                  "queue")
Rows = list[tuple[str, list[str]]]
ReadScalars = Callable[[Sequence[str]], dict[str, list[ScalarRow]]]  # task ids → each one's points, in bulk


def hyperparameter_rows(tasks: list[dict[str, Fields]]) -> Rows:
    """One row per section/name found in any task's hyperparameters, in the order first met; '' where one lacks it."""
    keys: dict[tuple[str, str], None] = {}
    for sections in tasks:
        for section, names in sections.items():
            for name in names:
                keys[(section, name)] = None
    return [(f"{section}/{name}", [t.get(section, {}).get(name, {}).get("value", "") for t in tasks])
            for section, name in keys]


def metric_rows(records: list[TaskRecord]) -> Rows:
    names = sorted({metric for record in records for metric in record.metrics})
    return [(name, [_number(r.metrics.get(name)) for r in records]) for name in names]


def execution_rows(records: list[TaskRecord]) -> Rows:
    rows = [(key, [str(getattr(r.execution, key) or "") for r in records]) for key in EXECUTION_KEYS]
    rows.append(("container image", [r.execution.container.image for r in records]))
    rows.append(("packages", [r.execution.requirements.strip().replace("\n", "; ") for r in records]))
    rows.append(("uncommitted diff", [f"{len(r.execution.diff.splitlines())} lines" for r in records]))
    rows.append(("status", [r.status for r in records]))
    return rows


def _number(value: object) -> str:
    return "" if value is None else f"{value:.6g}" if isinstance(value, float) else str(value)


def differs(values: list[str]) -> bool:
    return len(set(values)) > 1


def task_labels(records: list[TaskRecord]) -> list[str]:
    """The tasks' names, with the start of the id where two share a name: a legend must tell them apart."""
    counts = Counter(r.name for r in records)
    return [r.name if counts[r.name] == 1 else f"{r.name} ({r.id[:8]})" for r in records]


class ComparisonTable(QTableWidget):
    def __init__(self, name: str, headers: list[str]) -> None:
        super().__init__(0, len(headers))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.rows: Rows = []

    def show_rows(self, rows: Rows, only_differences: bool) -> None:
        self.rows = [row for row in rows if differs(row[1])] if only_differences else rows
        self.setRowCount(len(self.rows))
        self.setVerticalHeaderLabels([label for label, _ in self.rows])
        for index, (_, values) in enumerate(self.rows):
            marked = differs(values)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if marked:
                    item.setBackground(QBrush(DIFFERENT))
                self.setItem(index, column, item)
        self.resizeColumnsToContents()


class CompareDialog(QDialog):
    """Not modal: a researcher keeps it open beside the table while deciding what to clone next."""

    def __init__(self, records: list[TaskRecord], parent: QWidget | None = None,
                 read_scalars: ReadScalars | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle(f"Compare {len(records)} tasks")
        self.resize(1100, 720)
        self.records = records
        headers = [f"{r.name} ({r.id[:8]})" for r in records]
        self.only_differences = named(QCheckBox("Only differences"), "compareOnlyDifferences")
        self.hyperparameters = ComparisonTable("compareHyperparameters", headers)
        self.metrics = ComparisonTable("compareMetrics", headers)
        self.execution = ComparisonTable("compareExecution", headers)
        self.scalars = CompareScalars()
        self.tabs = named(QTabWidget(), "compareTabs")
        for title, page in (("HYPERPARAMETERS", self.hyperparameters), ("METRICS", self.metrics),
                            ("SCALARS", self.scalars), ("EXECUTION", self.execution)):
            self.tabs.addTab(page, title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.only_differences)
        layout.addWidget(self.tabs)
        self.only_differences.toggled.connect(self.refresh)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.refresh()
        # Thousands of points per task: read in one query for all the tasks and grouped into arrays off the GUI
        # thread, which only draws them.
        self.background = Background(self)
        if read_scalars is not None:
            ids, labels = [r.id for r in records], task_labels(records)

            def curves() -> list[TaskCurves]:
                found = read_scalars(ids)
                return task_curves(labels, [found[task_id] for task_id in ids])

            self.background.run(curves, self.scalars.show_tasks, self.scalars.show_error)

    def _on_tabs_current_changed(self, index: int) -> None:
        self.only_differences.setEnabled(self.tabs.widget(index) is not self.scalars)  # it filters the tables

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.background.close()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.background.close()  # Escape closes a dialog through done(), not always through closeEvent
        super().done(result)

    def refresh(self) -> None:
        only = self.only_differences.isChecked()
        self.hyperparameters.show_rows(hyperparameter_rows([r.hyperparams for r in self.records]), only)
        self.metrics.show_rows(metric_rows(self.records), only)
        self.execution.show_rows(execution_rows(self.records), only)
