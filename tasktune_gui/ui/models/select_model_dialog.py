"""The Select Model dialog: models of the task's project or any other, searchable; SELECT takes one."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from tasktune_gui.core.api import Core
from tasktune_gui.ui.common.dialogs import accept_cancel
from tasktune_gui.ui.models.models_page import ModelBrowser


class SelectModelDialog(QDialog):
    def __init__(self, core: Core, project: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("selectModelDialog")
        self.setWindowTitle("Select model")
        self.resize(760, 420)
        self.browser = ModelBrowser(core, project)
        buttons, self.select_button = accept_cancel(self, "SELECT", "selectModelButton")
        self.select_button.setEnabled(False)
        self.browser.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.browser.model.modelReset.connect(self._on_selection_changed)
        self.browser.model_chosen.connect(lambda _model_id: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)

    def chosen_id(self) -> str | None:
        return self.browser.selected_id()

    def _on_selection_changed(self, *_args: object) -> None:
        self.select_button.setEnabled(self.chosen_id() is not None)
