"""Carries the core's change notifications onto the GUI thread as a Qt signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from tasktune_gui.core.events import Change, ChangeBus


class ChangeSignals(QObject):
    """Subscribes to a ChangeBus; `changed` is emitted on the GUI thread whatever thread committed."""

    changed = Signal(object)
    _arrived = Signal(object)

    def __init__(self, bus: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A queued connection hops from the committing thread to this object's (GUI) thread.
        self._arrived.connect(self.changed.emit, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = bus.subscribe(self._on_bus_change)

    def _on_bus_change(self, change: Change) -> None:
        self._arrived.emit(change)

    def close(self) -> None:
        self._unsubscribe()
