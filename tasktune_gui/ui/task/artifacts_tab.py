"""The ARTIFACTS tab: the input model (a link to its page; Edit picks another, Remove clears it), outputs, artifacts."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.records import TaskRecord
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.section import READ_ONLY_REASON
from tasktune_gui.ui.models.select_model_dialog import SelectModelDialog
from tasktune_gui.ui.task.artifacts_view import OutputsView


def model_link(core: Core, model_id: str) -> str:
    try:
        name = core.models.get(model_id).name
    except TaskTuneError:
        return f"{escape(model_id)} (missing)"
    return f'<a href="{escape(model_id)}">{escape(name)}</a>'


class ArtifactsTab(QWidget):
    model_requested = Signal(str)

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("artifactsView")
        self.core = core
        self.record: TaskRecord | None = None
        self.input_model = named(QLabel(), "inputModelLink")
        self.input_model.linkActivated.connect(self.model_requested.emit)
        self.edit_button = named(QPushButton("Edit"), "inputModelEdit")
        self.remove_button = named(QPushButton("Remove"), "inputModelRemove")
        self.message = named(QLabel(), "inputModelMessage")
        self.output_models = named(QLabel(), "outputModels")
        self.output_models.linkActivated.connect(self.model_requested.emit)
        self.outputs = OutputsView(core)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.remove_button.clicked.connect(lambda: self._set_input_model(None))
        row = QHBoxLayout()
        row.addWidget(self.input_model, 1)
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        form = QFormLayout(self)
        form.addRow("Input model", row)
        form.addRow(self.message)
        form.addRow("Output models", self.output_models)
        form.addRow("Outputs", self.outputs)
        self.last_dialog: SelectModelDialog | None = None

    def show_record(self, record: TaskRecord) -> None:
        self.record = record
        draft = record.is_draft
        model_id = record.input_model
        self.input_model.setText(model_link(self.core, model_id) if model_id else "none")
        self.edit_button.setEnabled(draft)
        self.remove_button.setEnabled(draft and bool(model_id))
        self.message.setText("" if draft else READ_ONLY_REASON)
        outputs = [model_link(self.core, m) for m in record.output_models]
        self.output_models.setText(", ".join(outputs) if outputs else "none")
        self.outputs.show_record(record)

    def _on_edit_clicked(self) -> None:
        self.last_dialog = SelectModelDialog(self.core, self.record.project if self.record else None, self)
        self.last_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # read in `finished`, then freed
        self.last_dialog.finished.connect(self._on_dialog_finished)
        self.last_dialog.open()

    def _on_dialog_finished(self, result: int) -> None:
        dialog = self.last_dialog
        if dialog is not None and result == QDialog.DialogCode.Accepted and dialog.chosen_id():
            self._set_input_model(dialog.chosen_id())

    def _set_input_model(self, model_id: str | None) -> None:
        if self.record is None:
            return
        try:
            self.core.editor.apply(self.record.id, TaskEdit(input_model=model_id))
        except TaskTuneError as exc:
            self.message.setText(str(exc))
            return
        self.show_record(self.core.task_record(self.record.id))
