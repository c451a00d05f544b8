"""Running something once a shown window has painted its first frame."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

LONGEST_WAIT_MS = 500  # a window that is never exposed (another workspace, minimised) does not hold things back


class _AfterExpose(QObject):
    """Calls the action on the event loop's turn after the window's first Expose (whose paint Qt does while
    handling it), or after LONGEST_WAIT_MS, whichever comes first; once."""

    def __init__(self, widget: QWidget, action: Callable[[], None]) -> None:
        super().__init__(widget)
        self._action: Callable[[], None] | None = action
        self._handle = widget.windowHandle()
        self._handle.installEventFilter(self)
        QTimer.singleShot(LONGEST_WAIT_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose:
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        action, self._action = self._action, None
        if action is None:
            return
        self._handle.removeEventFilter(self)
        self.deleteLater()
        action()


def after_first_paint(widget: QWidget, action: Callable[[], None]) -> None:
    """Call `action` once `widget`'s shown window has painted, or now when it is not shown or already painted."""
    handle = widget.windowHandle()
    if not widget.isVisible() or handle is None or handle.isExposed():
        action()
    else:
        _AfterExpose(widget, action)
