"""A titled part of a task tab with its own Edit → Save / Cancel, read-only where the lifecycle says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.permissions import refusal
from tasktune_gui.ui.naming import named

READ_ONLY_REASON = "Reset or clone this task to edit it."
PUBLISHED_REASON = "A published task keeps its user properties."


class EditControls:
    """Edit, Save and Cancel with a message line in one row, named `<name>Edit`, `<name>Save`, ...: every
    editable part of the window (task sections, model tabs) has the same."""

    def __init__(self, name: str, on_edit: Callable[[], object], on_save: Callable[[], object],
                 on_cancel: Callable[[], object]) -> None:
        self.buttons = tuple(named(QPushButton(label), f"{name}{label}") for label in ("Edit", "Save", "Cancel"))
        self.message = named(QLabel(), f"{name}Message")
        self.message.setWordWrap(True)
        for button, slot in zip(self.buttons, (on_edit, on_save, on_cancel), strict=True):
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
        self.row = QHBoxLayout()
        self.row.addWidget(self.message, 1)
        for button in self.buttons:
            self.row.addWidget(button)

    def show_state(self, editing: bool, can_edit: bool = True) -> None:
        edit, save, cancel = self.buttons
        edit.setEnabled(can_edit and not editing)
        save.setVisible(editing)
        cancel.setVisible(editing)


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
        controls = EditControls(name, lambda: self.set_editing(True), self.save, self.cancel)
        self.edit_button, self.save_button, self.cancel_button = controls.buttons
        self.message = controls.message
        self.controls = controls
        self.save_button.setDefault(True)
        header = controls.row
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
        refused = refusal(self.core.store.identity, record.get("user", ""), "edit") if self.editable else None
        if refused is not None:  # a lab's rules: someone else's task
            self.editable, reason = False, refused[0].upper() + refused[1:]
        self.fill(record)
        self.set_editing(False)
        self.message.setText("" if self.editable else reason)

    def set_editing(self, editing: bool) -> None:
        self.editing = editing and self.editable
        self.controls.show_state(self.editing, self.editable)
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
