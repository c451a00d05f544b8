"""The embedded worker's Docker mode: on or off, the default image, and docker run options for every container."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from tasktune_gui.core.settings import Settings
from tasktune_gui.execution.docker.container_args import parse_container_args
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.ui.common.dialogs import fit_dialog
from tasktune_gui.ui.common.naming import named


class DockerWorkerDialog(QDialog):
    """Edits the three Docker settings; OK is refused (with the reason shown) while the options do not parse."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dockerWorkerDialog")
        self.setWindowTitle("Docker mode")
        fit_dialog(self)
        self.enabled = named(QCheckBox("Run every task in a container of its image"), "dockerModeCheck")
        self.enabled.setChecked(settings.embedded_worker_docker)
        self.image = named(QLineEdit(settings.embedded_worker_docker_image), "dockerImageEdit")
        self.image.setPlaceholderText("for tasks that name no image, e.g. pytorch/pytorch:2.3 (never pulled)")
        self.args = named(QLineEdit(settings.embedded_worker_docker_args), "dockerArgsEdit")
        self.args.setPlaceholderText("docker run options for every container, e.g. --shm-size 8g")
        self.error = named(QLabel(), "dockerError")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.enabled)
        form.addRow("Default image", self.image)
        form.addRow("Options", self.args)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        try:
            parse_container_args(self.args.text(), Path.cwd(), None)
        except StepFailed as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    def apply_to(self, settings: Settings) -> None:
        settings.embedded_worker_docker = self.enabled.isChecked()
        settings.embedded_worker_docker_image = self.image.text().strip()
        settings.embedded_worker_docker_args = self.args.text().strip()
