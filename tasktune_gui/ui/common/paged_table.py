"""One table model for the window's big tables (tasks, models): rows of a core row source, read a page at a time
as views scroll onto them and sorted by the database; subclasses say what a cell shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from tasktune_gui.core.row_sources import RowSource

PAGE = 200  # rows read at once when a view scrolls onto them
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value (a date, a number), not its text
ID_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    title: str
    field: str  # the record's attribute, or one the table computes
    sortable: bool = True  # by ORDER BY in the database


def cell_text(raw: Any) -> str:
    """A value as a cell shows it: dates in local time to the minute, nothing for None."""
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.astimezone().strftime("%Y-%m-%d %H:%M")
    return str(raw)


class PagedTableModel(QAbstractTableModel):
    """Holds the row count and the pages shown; a header click re-reads in the database's ORDER BY."""

    def __init__(self, source: RowSource, columns: Sequence[Column], load: bool = True) -> None:
        """With `load=False` nothing is counted until `reload` (a table not yet shown costs nothing)."""
        super().__init__()
        self.source = source
        self.columns = tuple(columns)
        self.loaded = False
        self._count = 0
        self._pages: dict[int, list[Any]] = {}
        if load:
            self._read_count()

    def _read_count(self) -> None:
        self.loaded = True
        self._count = self.source.count()
        self._pages.clear()

    def reload(self) -> None:
        """Count again and forget the pages (the filter changed, or rows came and went)."""
        self.beginResetModel()
        self._read_count()
        self.endResetModel()

    def column(self, section: int) -> Any:
        return self.columns[section]

    def row(self, number: int) -> Any | None:
        page = number // PAGE
        if page not in self._pages:
            self._pages[page] = self.source.page(page * PAGE, PAGE)
            self.page_read(self._pages[page])
        rows = self._pages[page]
        return rows[number % PAGE] if number % PAGE < len(rows) else None

    def row_id(self, number: int) -> str | None:
        found = self.row(number)
        return None if found is None else self.source.row_id(found)

    def page_read(self, rows: list[Any]) -> None:
        """A page was read from the database (a subclass may start something for its rows)."""

    def raw(self, row: Any, column: Any) -> Any:
        """The cell's value as sorting compares it."""
        return getattr(row, column.field)

    def text(self, row: Any, column: Any) -> str:
        return cell_text(self.raw(row, column))

    def styled(self, row: Any, column: Any, role: int) -> Any:
        """A colour or font for the cell; None for the view's own."""
        return None

    # QAbstractTableModel

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.column(section).title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        if row is None:
            return None
        column = self.column(index.column())
        if role == ID_ROLE:
            return self.source.row_id(row)
        if role == SORT_ROLE:
            return self.raw(row, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(row, column)
        return self.styled(row, column, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        chosen = self.column(column)
        if not isinstance(chosen, Column) or not chosen.sortable:
            return
        self.layoutAboutToBeChanged.emit()
        self.source.order(chosen.field, order == Qt.SortOrder.DescendingOrder)
        self._pages.clear()
        self.layoutChanged.emit()
