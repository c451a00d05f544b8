"""The filter bar over the task table: search by name or id, status, type, tag and user (all run in SQL)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLineEdit, QWidget

from tasktune_gui.core.status import Status, TaskType
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.common.naming import named

TYPING_PAUSE_MS = 150  # typed filters query once the typing pauses, not on every key (a scan on big tables)


class FilterBar(QWidget):
    """Emits `changed` when any filter changes; `apply(query)` puts the filters into a TaskQuery."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("filterBar")
        self.search = named(QLineEdit(), "taskSearch")
        self.search.setPlaceholderText("Search by name or id")
        self.status_filter = named(QComboBox(), "statusFilter")
        self.status_filter.addItem("All statuses", "")
        for status in Status:
            self.status_filter.addItem(status.label, status.value)
        self.type_filter = named(QComboBox(), "typeFilter")
        self.type_filter.addItem("All types", "")
        for task_type in TaskType:
            self.type_filter.addItem(task_type.value.replace("_", " ").capitalize(), task_type.value)
        self.tag_filter = named(QLineEdit(), "tagFilter")
        self.tag_filter.setPlaceholderText("Tag")
        self.user_filter = named(QLineEdit(), "userFilter")
        self.user_filter.setPlaceholderText("User")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        for widget in (self.status_filter, self.type_filter, self.tag_filter, self.user_filter):
            layout.addWidget(widget, 1)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.changed.emit)
        for line in (self.search, self.tag_filter, self.user_filter):
            line.textChanged.connect(self._on_text_changed)
            line.returnPressed.connect(self.flush)
        for combo in (self.status_filter, self.type_filter):
            combo.currentIndexChanged.connect(self._on_combo_changed)

    def _on_text_changed(self, _text: str) -> None:
        self._typing.start()

    def _on_combo_changed(self, _index: int) -> None:
        self._typing.stop()
        self.changed.emit()

    def flush(self) -> None:
        """Apply typed filters now (Enter, or a caller that cannot wait for the pause)."""
        if self._typing.isActive():
            self._typing.stop()
            self.changed.emit()

    def set_tags(self, tags: list[str]) -> None:
        self.tag_filter.setCompleter(QCompleter(tags, self.tag_filter))

    def apply(self, query: TaskQuery) -> TaskQuery:
        def chosen(combo: QComboBox) -> list[str]:
            value = combo.currentData()
            return [value] if value else []

        tag, user = self.tag_filter.text().strip(), self.user_filter.text().strip()
        return replace(query, search=self.search.text().strip(), statuses=chosen(self.status_filter),
                       types=chosen(self.type_filter), tags=[tag] if tag else [], users=[user] if user else [])
