"""A titled part of a task tab with its own Edit → Save / Cancel, read-only where the lifecycle says so."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.ui.naming import named

READ_ONLY_REASON = "Reset or clone this task to edit it."
PUBLISHED_REASON = "A published task keeps its user properties."


class EditableSection(QGroupBox):
    """Subclasses fill their widgets from the task's record and collect a TaskEdit; the core decides."""

    def __init__(self, core: Core, name: str, title: str) -> None:
        super().__init__(title)
        self.setObjectName(f"{name}Section")
        self.core = core
        self.task_id: str | None = None
        self.editable = False
        self.editing = False
        self.last_record: dict[str, Any] = {}
        self.edit_button = named(QPushButton("Edit"), f"{name}Edit")
        self.save_button = named(QPushButton("Save"), f"{name}Save")
        self.cancel_button = named(QPushButton("Cancel"), f"{name}Cancel")
        self.message = named(QLabel(), f"{name}Message")
        self.message.setWordWrap(True)
        self.edit_button.clicked.connect(lambda: self.set_editing(True))
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self.save)
        self.save_button.setDefault(True)
        header = QHBoxLayout()
        header.addWidget(self.message, 1)
        for button in (self.edit_button, self.save_button, self.cancel_button):
            header.addWidget(button)
        self.body = QVBoxLayout(self)
        self.body.addLayout(header)

    def add(self, widget: QWidget) -> QWidget:
        self.body.addWidget(widget)
        return widget

    def editable_for(self, record: dict[str, Any]) -> tuple[bool, str]:
        """Execution and configuration: Draft only (REFERENCE §1)."""
        return record["status"] == "draft", READ_ONLY_REASON

    def show_record(self, record: dict[str, Any]) -> None:
        if self.editing and record["id"] == self.task_id:
            self.last_record = record  # a change elsewhere must not throw away what is being typed
            return
        self.task_id = record["id"]
        self.last_record = record
        self.editable, reason = self.editable_for(record)
        self.fill(record)
        self.set_editing(False)
        self.message.setText("" if self.editable else reason)

    def set_editing(self, editing: bool) -> None:
        self.editing = editing and self.editable
        self.edit_button.setEnabled(self.editable and not self.editing)
        self.save_button.setVisible(self.editing)
        self.cancel_button.setVisible(self.editing)
        if self.editing:
            self.message.clear()
        self.set_fields_editable(self.editing)

    def cancel(self) -> None:
        self.editing = False
        self.show_record(self.last_record)

    def save(self) -> bool:
        """Saved, or the reason shown inline with everything typed kept in place."""
        if self.task_id is None:
            return False
        try:
            edit = self.collect()
            self.core.editor.apply(self.task_id, edit)
        except (TaskTuneError, ValueError) as exc:
            self.message.setText(str(exc))
            return False
        self.editing = False
        self.show_record(self.core.task_json(self.task_id))
        return True

    def fill(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def set_fields_editable(self, editing: bool) -> None:
        raise NotImplementedError

    def collect(self) -> TaskEdit:
        raise NotImplementedError
