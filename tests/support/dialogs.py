"""Answers to the modal dialogs a click opens, given on the event loop's next turn (`QTimer.singleShot(0, ...)`)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QInputDialog


def type_into_input_dialog(text: str) -> None:
    """The open QInputDialog gets `text` and OK."""
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue(text)
    dialog.accept()
