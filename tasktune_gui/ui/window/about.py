"""Help › About: what runs (version, schema, Python, Qt, platform), with Copy for a bug report."""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from tasktune_gui.core.about import APP_NAME, schema_version, tasktune_version
from tasktune_gui.ui.common.icons import app_icon
from tasktune_gui.ui.common.naming import named


def about_lines(database: str | None) -> list[str]:
    """What a bug report needs, one fact a line."""
    return [
        f"TaskTune {tasktune_version()}",
        f"Database schema {schema_version()}" + (f" · {database}" if database else ""),
        f"Python {platform.python_version()} · PySide6 {pyside_version} · Qt {qVersion()}",
        f"{platform.system()} {platform.release()} ({platform.machine()})",
        f"Installed in {sys.prefix}",
    ]


class AboutDialog(QDialog):
    """The version, the schema and the platform, with Copy for a bug report."""

    def __init__(self, parent: QWidget | None, database: str | None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.lines = about_lines(database)
        layout = QVBoxLayout(self)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        layout.addWidget(logo)
        title = named(QLabel(f"<b>{self.lines[0]}</b>"), "aboutVersion")
        layout.addWidget(title)
        layout.addWidget(QLabel("Clone, tune, enqueue and run machine-learning tasks."))
        details = named(QLabel("\n".join(self.lines[1:])), "aboutDetails")
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = named(QPushButton("Copy"), "aboutCopy")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.lines))
