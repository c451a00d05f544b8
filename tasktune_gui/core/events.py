"""Change notifications that the window, the CLI's followers and workers subscribe to."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """What changed after a committed transaction: `kind` of record, its `ids`, and how."""

    kind: str  # "task", "project", "queue", "worker", "model"
    action: str  # "created", "updated", "deleted", "status", "results"
    ids: tuple[str, ...] = ()


log = logging.getLogger(__name__)

Listener = Callable[[Change], None]


class ChangeBus:
    """Calls every subscriber, in the thread that committed, once the change is durable."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:  # a broken subscriber must not undo a committed change
                log.exception("change listener failed on %s", change)
