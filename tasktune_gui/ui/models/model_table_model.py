"""The model table's model: a count and pages of models fetched from SQL on demand, sorted in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from tasktune_gui.core.api import Core
from tasktune_gui.core.events import Change
from tasktune_gui.core.models import Model

PAGE = 200
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class ModelColumn:
    title: str
    field: str
    sortable: bool = True


MODEL_COLUMNS = (ModelColumn("NAME", "name"), ModelColumn("ID", "id"), ModelColumn("PROJECT", "project", False),
                 ModelColumn("FRAMEWORK", "framework"), ModelColumn("URI", "uri"),
                 ModelColumn("TASK", "task_id", False), ModelColumn("CREATED", "created"))


class ModelTableModel(QAbstractTableModel):
    """Filters (project, search) and order run in SQL; only the pages shown are held."""

    def __init__(self, core: Core, project: str | None = None, search: str = "", load: bool = True) -> None:
        """With `load=False` nothing is counted until `set_filter`."""
        super().__init__()
        self.core = core
        self.project = project
        self.search = search
        self.order_by = "created"
        self.descending = True
        self._count = 0
        self._pages: dict[int, list[tuple[Model, str]]] = {}
        if load:
            self._refresh()

    def set_filter(self, project: str | None, search: str) -> None:
        self.beginResetModel()
        self.project, self.search = project, search
        self._refresh()
        self.endResetModel()

    def _refresh(self) -> None:
        self._count = self.core.models.count(self.project, self.search)
        self._pages.clear()

    def model_id(self, row: int) -> str | None:
        found = self._row(row)
        return found[0].id if found else None

    def _row(self, number: int) -> tuple[Model, str] | None:
        page = number // PAGE
        if page not in self._pages:
            self._pages[page] = self.core.models.query(self.project, self.search, self.order_by, self.descending,
                                                       limit=PAGE, offset=page * PAGE)
        rows = self._pages[page]
        return rows[number % PAGE] if number % PAGE < len(rows) else None

    def on_change(self, change: Change) -> None:
        """A new or deleted model recounts; an edited one repaints the rows shown."""
        if change.kind != "model":
            return
        if change.action in ("created", "deleted"):
            self.set_filter(self.project, self.search)
            return
        self._pages.clear()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, self.columnCount() - 1))

    # QAbstractTableModel

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(MODEL_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return MODEL_COLUMNS[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        found = self._row(index.row())
        if found is None:
            return None
        model, project = found
        if role == ID_ROLE:
            return model.id
        column = MODEL_COLUMNS[index.column()]
        raw = project if column.field == "project" else getattr(model, column.field)
        if role == SORT_ROLE:
            return raw
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if isinstance(raw, datetime):
            return raw.astimezone().strftime("%Y-%m-%d %H:%M")
        return "" if raw is None else str(raw)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not MODEL_COLUMNS[column].sortable:
            return
        self.layoutAboutToBeChanged.emit()
        self.order_by = MODEL_COLUMNS[column].field
        self.descending = order == Qt.SortOrder.DescendingOrder
        self._pages.clear()
        self.layoutChanged.emit()
