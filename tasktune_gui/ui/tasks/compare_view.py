"""Compare two or more tasks side by side: hyperparameters, last metric values and execution; differences marked."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
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
from tasktune_gui.ui.common.naming import named

DIFFERENT = QColor(255, 196, 0, 70)  # readable on light and dark palettes
EXECUTION_KEYS = ("repository", "branch", "tag", "commit", "entry_point", "working_dir", "binary", "output_uri",
                  "queue")
Rows = list[tuple[str, list[str]]]


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

    def __init__(self, records: list[TaskRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle(f"Compare {len(records)} tasks")
        self.resize(900, 600)
        self.records = records
        headers = [f"{r.name} ({r.id[:8]})" for r in records]
        self.only_differences = named(QCheckBox("Only differences"), "compareOnlyDifferences")
        self.hyperparameters = ComparisonTable("compareHyperparameters", headers)
        self.metrics = ComparisonTable("compareMetrics", headers)
        self.execution = ComparisonTable("compareExecution", headers)
        self.tabs = named(QTabWidget(), "compareTabs")
        for title, table in (("HYPERPARAMETERS", self.hyperparameters), ("METRICS", self.metrics),
                             ("EXECUTION", self.execution)):
            self.tabs.addTab(table, title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.only_differences)
        layout.addWidget(self.tabs)
        self.only_differences.toggled.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        only = self.only_differences.isChecked()
        self.hyperparameters.show_rows(hyperparameter_rows([r.hyperparams for r in self.records]), only)
        self.metrics.show_rows(metric_rows(self.records), only)
        self.execution.show_rows(execution_rows(self.records), only)
