"""The task table page: filters, the table, its right-click menus (rows and header), and CSV export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.common.actions import ActionRegistry
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.table_rows import one_line_rows
from tasktune_gui.ui.tasks.column_chooser import ColumnChooser
from tasktune_gui.ui.tasks.csv_export import export_csv
from tasktune_gui.ui.tasks.table_place import TablePlace
from tasktune_gui.ui.tasks.task_filters import FilterBar
from tasktune_gui.ui.tasks.task_table_model import COLUMNS, TaskTableModel

# What a column is first sized for (the layout a person saves replaces it): a whole id and date, a name of a
# few words, the status with its setup step. The header's own title is never cut either.
COLUMN_SAMPLES = {
    "id": "0123456789abcdef", "type": "training", "name": "resnet50 baseline, mixup and cutmix",
    "tags": "baseline, demo", "status": "Running · environment 0:34", "project": "vision/detection",
    "user": "researcher", "started": "2026-12-03 14:38", "last_update": "2026-12-03 14:38",
}
CELL_PADDING = 24


def size_columns(table: QTableView) -> None:
    """Each column wide enough for its usual content, so ids and dates read whole (long names still elide)."""
    metrics, header = table.fontMetrics(), table.horizontalHeader()
    for section, column in enumerate(COLUMNS):
        sample = COLUMN_SAMPLES.get(column.field, "")
        title = header.fontMetrics().horizontalAdvance(column.title) + CELL_PADDING
        table.setColumnWidth(section, max(title, metrics.horizontalAdvance(sample) + CELL_PADDING, 60))


class TasksPage(QWidget):
    """A project's tasks (or all projects'); its rows' actions are the registry's."""

    def __init__(self, model: TaskTableModel, actions: ActionRegistry) -> None:
        super().__init__()
        self.setObjectName("tasksPage")
        self.model = model
        self.task_actions = actions
        self.filters = FilterBar()
        self.search = self.filters.search
        self.status_filter = self.filters.status_filter
        self.table = named(QTableView(), "taskTable")
        self.table.setModel(model)
        one_line_rows(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn([c.field for c in COLUMNS].index("last_update"), Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        size_columns(self.table)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu)
        self.columns = ColumnChooser(self.table, model)
        self.place = TablePlace(self.table, model)  # selection and scroll stay on their tasks as tasks come and go
        self.table.verticalHeader().hide()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.table.activated.connect(lambda _index: actions.activate())  # Enter, double-click
        # The menu bar's and toolbar's actions follow the selected tasks (at once: a shortcut may follow the click)
        # and their statuses (status changes come in bursts: read once after).
        self.table.selectionModel().selectionChanged.connect(lambda *_: actions.refresh())
        model.dataChanged.connect(lambda *_: actions.schedule_refresh())
        model.modelReset.connect(actions.schedule_refresh)
        self.export_button = named(QToolButton(), "exportButton")
        self.export_button.setText("Export CSV")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        export_menu.addAction("Selected rows…", lambda: self._on_export_chosen(True))
        export_menu.addAction("All filtered rows…", lambda: self._on_export_chosen(False))
        self.export_button.setMenu(export_menu)
        bar = QHBoxLayout()
        bar.addWidget(self.filters, 1)
        bar.addWidget(self.export_button)
        # The table, and the selected task's page beside it when the split view is on.
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "tasksSplitter")
        self.splitter.addWidget(self.table)
        self.side: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter)
        self.filters.changed.connect(self._on_filters_changed)
        self.last_menu: QMenu | None = None
        self.last_header_menu: QMenu | None = None

    def set_side(self, widget: QWidget | None) -> None:
        """Show `widget` beside the table (the split view), or only the table when None."""
        if self.side is not None:
            self.side.hide()
        self.side = widget
        if widget is not None:
            if self.splitter.indexOf(widget) < 0:
                self.splitter.addWidget(widget)
                self.splitter.setSizes([3 * self.width() // 5, 2 * self.width() // 5])
            widget.show()

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.task_id(index.row()) if index.isValid() else None

    def select_task(self, task_id: str) -> bool:
        """Select `task_id`'s row and scroll to it, if the filters show it among the first pages."""
        row = self.model.find_row(task_id)
        if row is None:
            return False
        index = self.model.index(row, [c.field for c in COLUMNS].index("name"))
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(index)
        return True

    def show_project(self, project: str | None) -> None:
        self.model.set_query(replace(self.model.query, project=project))

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [task_id for row in rows if (task_id := self.model.task_id(row)) is not None]

    def selected_tasks(self) -> list[tuple[str, str, bool]]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        found = [self.model.row(row) for row in rows]
        return [(r.task.id, r.task.status, r.task.archived) for r in found if r is not None]

    def selected_owners(self) -> dict[str, str]:
        """id → the user who made it, for the selected rows."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        found = [self.model.row(row) for row in rows]
        return {r.task.id: r.task.user for r in found if r is not None}

    def build_menu(self) -> QMenu:
        """The context menu for the current selection: each entry enabled where the lifecycle allows it."""
        return self.task_actions.context_menu(self)

    def _on_table_context_menu(self, position: QPoint) -> None:
        if not self.table.indexAt(position).isValid():
            return
        self.last_menu = self.build_menu()
        self.last_menu.popup(self.table.viewport().mapToGlobal(position))

    def _on_header_context_menu(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        self.last_header_menu = self.columns.build_menu(header.logicalIndexAt(position))
        self.last_header_menu.popup(header.mapToGlobal(position))

    def _on_filters_changed(self) -> None:
        self.model.set_query(self.filters.apply(self.model.query))

    def visible_columns(self) -> list[int]:
        """Logical column indexes in the order shown, hidden ones left out."""
        header = self.table.horizontalHeader()
        shown = (header.logicalIndex(v) for v in range(header.count()))
        return [c for c in shown if not header.isSectionHidden(c)]

    def export_csv(self, path: Path, selection_only: bool) -> int:
        """The selected rows, or every row the filters let through, as the table shows them."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}) if selection_only else None
        return export_csv(self.model, path, self.visible_columns(), rows)

    def _on_export_chosen(self, selection_only: bool) -> None:
        target, _filter = QFileDialog.getSaveFileName(self, "Export to CSV", "tasks.csv", "CSV files (*.csv)")
        if target:
            self.export_csv(Path(target), selection_only)


def default_query() -> TaskQuery:
    return TaskQuery(order_by="last_update", descending=True)
