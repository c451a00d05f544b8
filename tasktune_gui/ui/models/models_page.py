"""The Models page: a searchable model table (lazy, SQL) and, on a double-click, the model's page."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.events import Change
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.table_rows import one_line_rows
from tasktune_gui.ui.models.model_page import ModelPage
from tasktune_gui.ui.models.model_table_model import MODEL_COLUMNS, ModelTableModel


class ModelBrowser(QWidget):
    """Project scope, search by name or id, and the table; `model_chosen(id)` on Enter or double-click."""

    model_chosen = Signal(str)

    def __init__(self, core: Core, project: str | None = None, load: bool = True) -> None:
        """With `load=False` nothing is read until `ensure_loaded` (the window's Models page, until first shown)."""
        super().__init__()
        self.core = core
        self.model = ModelTableModel(core, project, load=False)  # counted once, by the scope chosen below
        self.scope = named(QComboBox(), "modelScope")
        self.search = named(QLineEdit(), "modelSearch")
        self.search.setPlaceholderText("Search models by name or id")
        self.table = named(QTableView(), "modelTable")
        self.table.setModel(self.model)
        one_line_rows(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn([c.field for c in MODEL_COLUMNS].index("created"), Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().hide()
        self.table.activated.connect(self._on_table_activated)
        self._project = project
        self.loaded = False
        if load:
            self.ensure_loaded()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.search.textChanged.connect(self._on_filter_changed)
        self.scope.currentIndexChanged.connect(self._on_filter_changed)

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.fill_scopes(self._project)

    def fill_scopes(self, project: str | None) -> None:
        """'All projects' and every project by name; `project` chosen (None: all)."""
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem("All projects", None)
        for name in self.core.overview.project_names():
            self.scope.addItem(name, name)
        self.scope.setCurrentIndex(max(0, self.scope.findData(project)) if project else 0)
        self.scope.blockSignals(False)
        self.loaded = True
        self._on_filter_changed()

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.model_id(rows[0].row()) if rows else None

    def _on_filter_changed(self) -> None:
        self.model.set_filter(self.scope.currentData(), self.search.text().strip())

    def _on_table_activated(self, index: QModelIndex) -> None:
        model_id = self.model.model_id(index.row())
        if model_id is not None:
            self.model_chosen.emit(model_id)


class ModelsPage(QWidget):
    """The browser, or one model's page; emits `model_opened(id)` and `task_requested(id)`."""

    model_opened = Signal(str)
    task_requested = Signal(str)

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("modelsPage")
        self.core = core
        self.browser = ModelBrowser(core, load=False)  # read when first shown: it is not the first page
        self.model_page = ModelPage(core)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.model_page)
        QVBoxLayout(self).addWidget(self.stack)
        self.browser.model_chosen.connect(self.open_model)
        self.model_page.task_requested.connect(self.task_requested.emit)

    def show_list(self) -> None:
        self.browser.ensure_loaded()
        self.stack.setCurrentWidget(self.browser)

    def open_model(self, model_id: str) -> None:
        self.model_page.show_model(model_id)
        self.stack.setCurrentWidget(self.model_page)
        self.model_opened.emit(model_id)

    def on_change(self, change: Change) -> None:
        if change.kind == "model":
            if self.browser.loaded:  # else it is read when first shown
                self.browser.model.on_change(change)
            if self.model_page.model_id in change.ids:
                self.model_page.on_model_changed()
        elif change.kind == "project" and self.browser.loaded:
            self.browser.fill_scopes(self.browser.scope.currentData())
