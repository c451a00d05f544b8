"""Editable parts of the window (task sections, model tabs), each with its own Edit → Save / Cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.permissions import refusal
from tasktune_gui.core.records import TaskRecord
from tasktune_gui.ui.common.naming import named

Record = TypeVar("Record")

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


class EditCycle(Generic[Record]):
    """Edit → Save / Cancel over one record, with a message line, for task sections and model tabs alike: a refused
    save keeps what was typed, and the record read again meanwhile does not replace it. Subclasses (Qt widgets)
    call `init_editing` and say how a record is keyed, read again, shown, made editable and saved."""

    def init_editing(self, name: str) -> EditControls:
        self.editable = False
        self.editing = False
        self.key: str | None = None
        self.last_record: Record | None = None
        controls = EditControls(name, lambda: self.set_editing(True), self.save, self.cancel)
        self.edit_button, self.save_button, self.cancel_button = controls.buttons
        self.message = controls.message
        self.controls = controls
        return controls

    def show_record(self, record: Record) -> None:
        key = self.key_of(record)
        if self.editing and key == self.key:
            self.last_record = record  # a change elsewhere must not throw away what is being typed
            return
        self.key = key
        self.last_record = record
        self.editable, reason = self.editable_for(record)
        refused = self.refused_by_rules(record) if self.editable else None
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
        if self.last_record is not None:
            self.show_record(self.last_record)

    def save(self) -> bool:
        """Saved, or the reason shown inline with everything typed kept in place."""
        if self.key is None:
            return False
        try:
            self.apply(self.key)
        except (TaskTuneError, ValueError) as exc:
            self.message.setText(str(exc))
            return False
        self.editing = False
        self.show_record(self.read(self.key))
        return True

    def editable_for(self, record: Record) -> tuple[bool, str]:
        """Whether the record may be edited now, and why not."""
        return True, ""

    def refused_by_rules(self, record: Record) -> str | None:
        """Why a lab's rules keep this user from editing the record; None when they do not."""
        return None

    def key_of(self, record: Record) -> str:
        raise NotImplementedError

    def read(self, key: str) -> Record:
        raise NotImplementedError

    def apply(self, key: str) -> None:
        raise NotImplementedError

    def fill(self, record: Record) -> None:
        raise NotImplementedError

    def set_fields_editable(self, editing: bool) -> None:
        raise NotImplementedError


class EditableSection(QGroupBox, EditCycle[TaskRecord]):
    """Subclasses fill their widgets from the task's record and collect a TaskEdit; the core decides."""

    def __init__(self, core: Core, name: str, title: str) -> None:
        super().__init__(title)
        self.setObjectName(f"{name}Section")
        self.core = core
        controls = self.init_editing(name)
        self.save_button.setDefault(True)
        self.body = QVBoxLayout(self)
        self.body.addLayout(controls.row)

    @property
    def task_id(self) -> str | None:
        return self.key

    @property
    def shown(self) -> TaskRecord:
        """The record last shown (an edit compares with it); a section is saved only once a task is shown."""
        if self.last_record is None:
            raise TaskTuneError("no task is shown")
        return self.last_record

    def refused_by_rules(self, record: TaskRecord) -> str | None:
        return refusal(self.core.store.identity, record.user, "edit")

    def add(self, widget: QWidget) -> QWidget:
        self.body.addWidget(widget)
        return widget

    def editable_for(self, record: TaskRecord) -> tuple[bool, str]:
        """Execution and configuration: Draft only (REFERENCE §1)."""
        return record.is_draft, READ_ONLY_REASON

    def key_of(self, record: TaskRecord) -> str:
        return record.id

    def read(self, key: str) -> TaskRecord:
        return self.core.task_record(key)

    def apply(self, key: str) -> None:
        self.core.editor.apply(key, self.collect())

    def collect(self) -> TaskEdit:
        raise NotImplementedError
