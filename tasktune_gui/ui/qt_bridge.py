"""Carries the core's change notifications onto the GUI thread as a Qt signal."""

from __future__ import annotations

from collections.abc import Callable

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


class Waker(QObject):
    """`wake()` from any thread runs `target` once on the GUI thread; a burst of wakes makes one call."""

    _woken = Signal()

    def __init__(self, target: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._target = target
        self._pending = False
        self._woken.connect(self._on_woken, Qt.ConnectionType.QueuedConnection)

    def wake(self) -> None:
        if not self._pending:
            self._pending = True
            self._woken.emit()

    def _on_woken(self) -> None:
        self._pending = False  # before the call: a change committed while it runs wakes it again
        self._target()
