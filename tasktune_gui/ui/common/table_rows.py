"""One line per row for the window's tables: no word wrap, a fixed row height, long text elided."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableView

ROW_PADDING = 8  # pixels above and below a line of text, as the platform's own list views leave


def one_line_rows(table: QTableView, elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> QTableView:
    """A long name or a date stays on its line and ends in an ellipsis: rows keep one height and scroll evenly."""
    table.setWordWrap(False)
    table.setTextElideMode(elide)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + ROW_PADDING)
    return table
