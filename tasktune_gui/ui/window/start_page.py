"""What the window shows while its database opens: a line saying so, or why it could not, with Try again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from tasktune_gui.ui.common.naming import named

OPENING = "Opening the database…"


class StartPage(QWidget):
    """Emits `retry_requested()` when Try again is clicked after a failure."""

    retry_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("startPage")
        self.message = named(QLabel(OPENING), "startMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy an error
        self.retry = named(QPushButton("Try again"), "startRetry")
        self.retry.setVisible(False)
        self.retry.clicked.connect(self.retry_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def opening(self) -> None:
        self.message.setText(OPENING)
        self.retry.setVisible(False)

    def failed(self, message: str) -> None:
        self.message.setText(message)
        self.retry.setVisible(True)
        self.retry.setFocus()  # Enter tries again
