"""Breadcrumbs above the pages: 'Projects / vision / detection / task', each part but the last clickable."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

Crumb = tuple[str, Callable[[], None] | None]


class Breadcrumbs(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("breadcrumbs")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 2, 4, 2)
        self.buttons: list[QPushButton] = []
        self._texts: list[str] = []

    def set_trail(self, crumbs: list[Crumb]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.buttons = []
        self._texts = [text for text, _go in crumbs]
        for i, (text, go) in enumerate(crumbs):
            if i:
                self._layout.addWidget(QLabel("/"))
            button = QPushButton(text.replace("&", "&&"))  # "Workers & Queues", not a shortcut on Q
            button.setObjectName(f"crumb{i}")
            button.setFlat(True)
            button.setEnabled(go is not None)
            if go is not None:
                button.clicked.connect(lambda _checked=False, go=go: go())
            self.buttons.append(button)
            self._layout.addWidget(button)
        self._layout.addStretch(1)

    def texts(self) -> list[str]:
        return list(self._texts)
