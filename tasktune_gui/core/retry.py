"""Riding out a lost database connection: what counts as one, and exponential backoff between attempts."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

log = logging.getLogger(__name__)
T = TypeVar("T")
FIRST_DELAY_S = 0.1
MOST_DELAY_S = 5.0


def is_disconnect(exc: BaseException) -> bool:
    """The server went away or cannot be reached (restart, pg_terminate_backend, network), or SQLite is busy."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Backoff:
    """Delays doubling from `first` up to `most`; `reset()` after a success."""

    def __init__(self, first: float = FIRST_DELAY_S, most: float = MOST_DELAY_S) -> None:
        self.first = first
        self.most = most
        self.delay = first
        self.failures = 0

    def next_delay(self) -> float:
        delay = self.delay
        self.failures += 1
        self.delay = min(self.most, self.delay * 2)
        return delay

    def wait(self, stop: threading.Event | None = None) -> bool:
        """Sleep the next delay; True when `stop` was set meanwhile."""
        delay = self.next_delay()
        return (stop or threading.Event()).wait(delay)

    def reset(self) -> None:
        self.delay = self.first
        self.failures = 0


def retry_while_disconnected(action: Callable[[], T], what: str, stop: threading.Event | None = None) -> T:
    """Run `action` until it succeeds, waiting with backoff while the database is unreachable.

    Any other error is raised at once. With `stop` set, the last disconnect error is raised instead of waiting.
    """
    backoff = Backoff()
    while True:
        try:
            return action()
        except Exception as exc:
            if not is_disconnect(exc):
                raise
            if backoff.failures == 0:
                log.warning("%s: database unreachable (%s); retrying", what, str(exc).splitlines()[0])
            if backoff.wait(stop):
                raise
