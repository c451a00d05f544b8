"""The SWEEP tab's table of trials: a model over the sweep's trials (numbers sort as numbers), and a proxy that
sorts it and keeps only the trials the parallel coordinates select."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from tasktune_gui.ui.common.palette import status_colour

FIXED_COLUMNS = ("Trial", "Status", "Objective")
GREYED = "#9e9e9e"  # pruned and failed trials
TRIAL_ID = Qt.ItemDataRole.UserRole  # on every cell: the trial's task id
SORT_VALUE = Qt.ItemDataRole.UserRole + 1  # what a column sorts by: Qt compares these natively, fast

Index = QModelIndex | QPersistentModelIndex


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


class SweepTrialsModel(QAbstractTableModel):
    """A row per trial. Nothing is copied into items: cells are read from the rows on demand, so showing a
    thousand trials costs one reset (or, as trials are added, a row insert and one dataChanged)."""

    def __init__(self) -> None:
        super().__init__()
        self.params: list[str] = []
        self.rows: list[tuple[str, int, str, str, float | None, list[float | str]]] = []
        self._colours: dict[str, QColor] = {}

    def show_trials(self, trials: list[dict[str, Any]], params: list[str]) -> None:
        rows = []
        for trial in trials:
            failed = trial["state"] in ("pruned", "failed")
            shown = trial["state"] if failed else (trial["status"] or "deleted")
            colour = shown if failed else (trial["status"] or "draft")
            rows.append((trial["id"], trial["number"], shown, colour, trial["objective"],
                         [_number(trial["values"].get(name, "")) for name in params]))
        self._colours = {}  # the palette may have changed
        old = [row[0] for row in self.rows]
        if params != self.params or [row[0] for row in rows[:len(old)]] != old:
            self.beginResetModel()
            self.params, self.rows = params, rows
            self.endResetModel()
            return
        # The same trials and more (as a sweep runs): changed in place, new rows inserted; the selection stays.
        if old:
            self.rows[:len(old)] = rows[:len(old)]
            self.dataChanged.emit(self.index(0, 0), self.index(len(old) - 1, self.columnCount() - 1))
        if len(rows) > len(old):
            self.beginInsertRows(QModelIndex(), len(old), len(rows) - 1)
            self.rows[len(old):] = rows[len(old):]
            self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self.params)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [*FIXED_COLUMNS, *self.params][section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        trial_id, number, shown, colour, objective, values = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (number, shown, objective)[column] if column < len(FIXED_COLUMNS) \
                else values[column - len(FIXED_COLUMNS)]
        if role == TRIAL_ID:
            return trial_id
        if role == SORT_VALUE:
            if column == 2:
                return math.inf if objective is None else objective  # no result yet: after every result
            return (number, shown)[column] if column < 2 else values[column - len(FIXED_COLUMNS)]
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            if colour not in self._colours:
                self._colours[colour] = QColor(GREYED if colour in ("pruned", "failed") else status_colour(colour))
            return self._colours[colour]
        return None


class SelectedTrials(QSortFilterProxyModel):
    """Sorted by the raw values (SORT_VALUE); only the trial ids in `selected` (all while it is None)."""

    def __init__(self, source: SweepTrialsModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_VALUE)
        self.selected: set[str] | None = None

    def select(self, selected: set[str] | None) -> None:
        if not hasattr(self, "beginFilterChange"):  # before Qt 6.9
            self.selected = selected
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()  # Qt 6.9's way; invalidateRowsFilter is deprecated there
        self.selected = selected
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if self.selected is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, SweepTrialsModel)
        return model.rows[source_row][0] in self.selected
