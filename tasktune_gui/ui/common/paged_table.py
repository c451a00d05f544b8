"""What the window's big tables (tasks, models) share: pages read from SQL on demand, roles, columns, cell text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

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
