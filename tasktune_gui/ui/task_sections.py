"""EXECUTION and CONFIGURATION tabs: Edit → Save / Cancel, read-only outside Draft with the reason said."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.ui.naming import named

READ_ONLY_REASON = "Reset or clone this task to edit it."
EXECUTION_FIELDS = (("repository", "Repository"), ("commit", "Commit"), ("tag", "Tag"), ("branch", "Branch"),
                    ("entry_point", "Script"), ("working_dir", "Working directory"), ("binary", "Binary"),
                    ("output_uri", "Output destination"))


class EditableSection(QWidget):
    """Edit, Save and Cancel buttons and a message line shared by the tabs."""

    def __init__(self, core: Core, name: str) -> None:
        super().__init__()
        self.core = core
        self.task_id: str | None = None
        self.editable = False
        self.edit_button = named(QPushButton("Edit"), f"{name}Edit")
        self.save_button = named(QPushButton("Save"), f"{name}Save")
        self.cancel_button = named(QPushButton("Cancel"), f"{name}Cancel")
        self.message = named(QLabel(), f"{name}Message")
        self.edit_button.clicked.connect(lambda: self.set_editing(True))
        self.cancel_button.clicked.connect(self._on_cancel)
        self.save_button.clicked.connect(self._on_save)
        self.buttons = QHBoxLayout()
        for widget in (self.message, self.edit_button, self.save_button, self.cancel_button):
            self.buttons.addWidget(widget)
        self.last_record: dict[str, Any] = {}

    def show_record(self, record: dict[str, Any]) -> None:
        self.task_id = record["id"]
        self.last_record = record
        self.editable = record["status"] == "draft"
        self.fill(record)
        self.set_editing(False)
        self.message.setText("" if self.editable else READ_ONLY_REASON)

    def set_editing(self, editing: bool) -> None:
        self.edit_button.setEnabled(self.editable and not editing)
        self.save_button.setVisible(editing)
        self.cancel_button.setVisible(editing)
        self.set_fields_editable(editing)

    def _on_cancel(self) -> None:
        self.show_record(self.last_record)

    def _on_save(self) -> None:
        if self.task_id is None:
            return
        try:
            self.core.editor.apply(self.task_id, self.collect())
        except (TaskTuneError, ValueError) as exc:
            self.message.setText(str(exc))  # what the user typed stays in the fields
            return
        self.show_record(self.core.task_json(self.task_id))

    def fill(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def set_fields_editable(self, editing: bool) -> None:
        raise NotImplementedError

    def collect(self) -> TaskEdit:
        raise NotImplementedError


class ExecutionTab(EditableSection):
    def __init__(self, core: Core) -> None:
        super().__init__(core, "execution")
        self.setObjectName("executionTab")
        self.fields = {key: named(QLineEdit(), f"execution_{key}") for key, _ in EXECUTION_FIELDS}
        self.requirements = named(QPlainTextEdit(), "execution_requirements")
        self.diff = named(QPlainTextEdit(), "execution_diff")
        self.diff.setReadOnly(True)
        form = QFormLayout()
        for key, label in EXECUTION_FIELDS:
            form.addRow(label, self.fields[key])
        form.addRow("Python packages", self.requirements)
        form.addRow("Uncommitted changes", self.diff)
        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addLayout(form)

    def fill(self, record: dict[str, Any]) -> None:
        execution = record["execution"]
        for key, field in self.fields.items():
            field.setText(execution.get(key) or "")
        self.requirements.setPlainText(execution["requirements"])
        self.diff.setPlainText(execution["diff"])

    def set_fields_editable(self, editing: bool) -> None:
        for field in self.fields.values():
            field.setReadOnly(not editing)
        self.requirements.setReadOnly(not editing)

    def collect(self) -> TaskEdit:
        old = self.last_record["execution"]
        changes: dict[str, str | None] = {}
        for key, field in self.fields.items():
            value = field.text().strip()
            if value != (old.get(key) or ""):
                changes[key] = value or None
        if self.requirements.toPlainText() != old["requirements"]:
            changes["requirements"] = self.requirements.toPlainText()
        return TaskEdit(execution=changes)


class ConfigurationTab(EditableSection):
    """Hyperparameters by section; values are checked against their type before anything is saved."""

    COLUMNS = ("SECTION", "NAME", "VALUE", "TYPE")

    def __init__(self, core: Core) -> None:
        super().__init__(core, "configuration")
        self.setObjectName("configurationTab")
        self.table = named(QTableWidget(0, len(self.COLUMNS)), "hyperparameterTable")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addWidget(self.table)

    def fill(self, record: dict[str, Any]) -> None:
        rows = [(s, n, spec) for s, names in record["hyperparams"].items() for n, spec in names.items()]
        self.table.setRowCount(len(rows))
        for row, (section, name, spec) in enumerate(rows):
            for column, text in enumerate((section, name, spec["value"], spec["type"])):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def set_fields_editable(self, editing: bool) -> None:
        trigger = QTableWidget.EditTrigger
        editable = trigger.DoubleClicked | trigger.EditKeyPressed
        self.table.setEditTriggers(editable if editing else trigger.NoEditTriggers)

    def collect(self) -> TaskEdit:
        old = self.last_record["hyperparams"]
        changed: list[tuple[str, str, str]] = []
        for row in range(self.table.rowCount()):
            section, name, value, kind = (self._text(row, column) for column in range(4))
            check_value(name, value, kind)
            if old.get(section, {}).get(name, {}).get("value") != value:
                changed.append((section, name, value))
        return TaskEdit(hyperparameters=changed)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item else ""


def check_value(name: str, value: str, kind: str) -> None:
    """A ValueError naming the field when the value does not fit its type (empty means 'no value')."""
    base = kind.split(":")[-1]
    if not value or base not in ("int", "float", "bool"):
        return
    if base == "bool" and value.strip().lower() not in ("true", "false"):
        raise ValueError(f"{name}: '{value}' is not true or false")
    try:
        {"int": int, "float": float}.get(base, str)(value)
    except ValueError:
        raise ValueError(f"{name}: '{value}' is not a valid {base}") from None
