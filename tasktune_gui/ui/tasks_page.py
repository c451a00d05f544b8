"""The task table page: search, status filter, the table, and its right-click menu."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.status import Status
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.actions import TASK_ACTIONS, TaskAction, label_for
from tasktune_gui.ui.naming import named
from tasktune_gui.ui.task_table_model import COLUMNS, TaskTableModel


class TasksPage(QWidget):
    """A project's tasks (or all projects'); actions go to `run_action(action, task_ids)`."""

    def __init__(self, model: TaskTableModel, run_action: Callable[[TaskAction, list[str]], None]) -> None:
        super().__init__()
        self.setObjectName("tasksPage")
        self.model = model
        self._run_action = run_action
        self.search = named(QLineEdit(), "taskSearch")
        self.search.setPlaceholderText("Search by name or id")
        self.status_filter = named(QComboBox(), "statusFilter")
        self.status_filter.addItem("All statuses", "")
        for status in Status:
            self.status_filter.addItem(status.label, status.value)
        self.user_filter = named(QComboBox(), "userFilter")
        self.refresh_users()
        self.table = named(QTableView(), "taskTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn([c.field for c in COLUMNS].index("last_update"), Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionsMovable(True)
        self.table.verticalHeader().hide()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.table.activated.connect(lambda _index: self._trigger_by_id("details"))  # Enter, double-click
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.user_filter)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.search.textChanged.connect(self._on_filters_changed)
        self.status_filter.currentIndexChanged.connect(self._on_filters_changed)
        self.user_filter.currentIndexChanged.connect(self._on_filters_changed)
        self.last_menu: QMenu | None = None

    def show_project(self, project: str | None) -> None:
        self.refresh_users()
        self.model.set_query(replace(self.model.query, project=project))

    def refresh_users(self) -> None:
        """The users who created tasks, as the database has them now; the chosen one stays chosen."""
        chosen = self.user_filter.currentData() or ""
        self.user_filter.blockSignals(True)
        self.user_filter.clear()
        self.user_filter.addItem("All users", "")
        for user in self.model.core.tasks.users():
            self.user_filter.addItem(user, user)
        self.user_filter.setCurrentIndex(max(0, self.user_filter.findData(chosen)))
        self.user_filter.blockSignals(False)

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [task_id for row in rows if (task_id := self.model.task_id(row)) is not None]

    def selected_tasks(self) -> list[tuple[str, str, bool]]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        found = [self.model.row(row) for row in rows]
        return [(r.task.id, r.task.status, r.task.archived) for r in found if r is not None]

    def build_menu(self) -> QMenu:
        """The context menu for the current selection: each entry enabled where the lifecycle allows it."""
        menu = QMenu(self)
        menu.setObjectName("taskContextMenu")
        selected = self.selected_tasks()
        for action in TASK_ACTIONS:
            applicable = [tid for tid, status, archived in selected if action.applies_to(status, archived)]
            if not action.multi and len(selected) != 1:
                applicable = []
            entry = menu.addAction(label_for(action, len(applicable), len(selected)))
            entry.setObjectName(f"menu_{action.id}")
            entry.setEnabled(bool(applicable))
            entry.triggered.connect(lambda _c=False, a=action, ids=applicable: self._run_action(a, ids))
        return menu

    def _trigger_by_id(self, action_id: str) -> None:
        action = next(a for a in TASK_ACTIONS if a.id == action_id)
        applicable = [t for t, s, arch in self.selected_tasks() if action.applies_to(s, arch)]
        if applicable:
            self._run_action(action, applicable[:1] if not action.multi else applicable)

    def _on_table_context_menu(self, position: QPoint) -> None:
        if not self.table.indexAt(position).isValid():
            return
        self.last_menu = self.build_menu()
        self.last_menu.popup(self.table.viewport().mapToGlobal(position))

    def _on_filters_changed(self) -> None:
        status = self.status_filter.currentData()
        user = self.user_filter.currentData()
        self.model.set_query(replace(self.model.query, search=self.search.text().strip(),
                                     statuses=[status] if status else [], users=[user] if user else []))


def default_query() -> TaskQuery:
    return TaskQuery(order_by="last_update", descending=True)
