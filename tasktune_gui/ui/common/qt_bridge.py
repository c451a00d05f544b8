"""Carries the core's change notifications onto the GUI thread as a Qt signal."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from tasktune_gui.core.events import Change, ChangeBus
from tasktune_gui.ui.common import gui_thread


class ChangeSignals(QObject):
    """Subscribes to a ChangeBus; `changed` is emitted on the GUI thread whatever thread committed."""

    changed = Signal(object)

    def __init__(self, bus: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gui_thread.prepare()
        self._unsubscribe = bus.subscribe(self._on_bus_change)

    def _on_bus_change(self, change: Change) -> None:
        gui_thread.call_on_gui(self, self.changed.emit, change)

    def close(self) -> None:
        self._unsubscribe()


class Waker(QObject):
    """`wake()` from any thread runs `target` once on the GUI thread; a burst of wakes makes one call."""

    def __init__(self, target: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        gui_thread.prepare()
        self._target = target
        self._pending = False

    def wake(self) -> None:
        if not self._pending:
            self._pending = True
            gui_thread.call_on_gui(self, self._on_woken)

    def _on_woken(self) -> None:
        self._pending = False  # before the call: a change committed while it runs wakes it again
        self._target()
