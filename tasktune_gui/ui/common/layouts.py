"""Small layout helpers the pages share."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget


def in_row(first: QWidget, *rest: QWidget) -> QWidget:
    """The widgets side by side with no margins, the first taking the room left (a field and its buttons)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(first, 1)
    for widget in rest:
        row.addWidget(widget)
    holder = QWidget()
    holder.setLayout(row)
    return holder
