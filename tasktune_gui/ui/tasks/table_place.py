"""Keeps the task table's selection and scroll on the same tasks when new or deleted tasks make it recount."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QTableView

from tasktune_gui.ui.tasks.task_table_model import PAGE, TaskTableModel

# How far from its old row a remembered task is looked for: a burst of more new tasks than this (before it in the
# sort order) loses the selection rather than read every page in between.
SEARCH_ROWS = 2 * PAGE
MOST_REMEMBERED = 200  # selected rows put back; a larger selection keeps its first ones


class TablePlace:
    """A recount resets the model (its row count changed); this puts the selection, the current row and the
    row at the top of the view back on the tasks they were on, wherever those tasks now sit nearby.

    At the very top the view stays at the top, so tasks arriving first in the order show, as in a feed."""

    def __init__(self, table: QTableView, model: TaskTableModel) -> None:
        self.table = table
        self.model = model
        self._selected: list[tuple[int, str]] = []
        self._current: tuple[int, int, str] | None = None
        self._top: tuple[int, str] | None = None
        model.recount_started.connect(self._remember)
        model.recount_done.connect(self._restore)

    def _id(self, row: int) -> str | None:
        return self.model.task_id(row) if 0 <= row < self.model.rowCount() else None

    def _remember(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})[:MOST_REMEMBERED]
        self._selected = [(row, task_id) for row in rows if (task_id := self._id(row)) is not None]
        current = self.table.currentIndex()
        current_id = self._id(current.row()) if current.isValid() else None
        self._current = (current.row(), current.column(), current_id) if current_id is not None else None
        top = self.table.rowAt(0)
        top_id = self._id(top) if top > 0 else None
        self._top = (top, top_id) if top_id is not None else None

    def _find(self, row: int, task_id: str, shift: int) -> int | None:
        low, high = sorted((row, row + shift))
        low, high = max(0, low, row - SEARCH_ROWS), min(self.model.rowCount() - 1, high, row + SEARCH_ROWS)
        return next((r for r in range(low, high + 1) if self.model.task_id(r) == task_id), None)

    def _restore(self, count_before: int) -> None:
        shift = self.model.rowCount() - count_before
        last_column = self.model.columnCount() - 1
        selection = QItemSelection()
        for row, task_id in self._selected:
            found = self._find(row, task_id, shift)
            if found is not None:
                selection.select(self.model.index(found, 0), self.model.index(found, last_column))
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().select(selection, flags.Select)
        if self._current is not None:
            row, column, task_id = self._current
            found = self._find(row, task_id, shift)
            if found is not None:
                auto_scroll = self.table.hasAutoScroll()
                self.table.setAutoScroll(False)  # the current row is put back, not scrolled to
                self.table.selectionModel().setCurrentIndex(self.model.index(found, column), flags.NoUpdate)
                self.table.setAutoScroll(auto_scroll)
        if self._top is not None:
            self.table.doItemsLayout()  # the reset's layout is delayed: scroll ranges are stale until it runs
            found = self._find(*self._top, shift)
            if found is not None:
                self.table.scrollTo(self.model.index(found, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self._selected, self._current, self._top = [], None, None
