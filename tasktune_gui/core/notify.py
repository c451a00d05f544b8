"""PostgreSQL LISTEN/NOTIFY: a notification sent inside each changing transaction, and a listener thread."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from tasktune_gui.core.events import Change
from tasktune_gui.core.passwords import connect_password
from tasktune_gui.core.retry import Backoff

log = logging.getLogger(__name__)
CHANNEL = "tasktune_changes"
# How often the listener looks up from waiting to see whether it was closed.
LISTEN_TICK_S = 0.25


def payload(change: Change) -> str:
    return f"{change.kind}:{change.action}"


def send_notifications(session: Session, changes: Iterable[Change]) -> None:
    """NOTIFY inside the caller's transaction: PostgreSQL delivers it at commit, and never on rollback."""
    for message in dict.fromkeys(payload(change) for change in changes):
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": message})


def libpq_conninfo(url: str) -> str:
    """The SQLAlchemy URL as libpq takes it (no '+psycopg' driver part)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


Notified = Callable[[str, str], None]  # (kind, action)


class ChangeListener:
    """A thread holding one LISTEN connection; reconnects with backoff and says when it is (re)connected.

    `on_connected` runs after every (re)connection: notifications sent while it was away are lost, so a
    follower re-reads the database then.
    """

    def __init__(self, url: str, on_change: Notified, on_connected: Callable[[], None] | None = None,
                 name: str = "pg-listen") -> None:
        self.conninfo = libpq_conninfo(url)
        self.extra: dict[str, Any] = {}
        connect_password(url, self.extra)  # the keyring's, when the URL and the environment give none
        self.on_change = on_change
        self.on_connected = on_connected
        self.connected = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # Imported here: psycopg is slow to import, and SQLite users never need it.
        import psycopg

        backoff = Backoff()
        while not self._closed.is_set():
            try:
                self._listen(backoff)
            except psycopg.Error as exc:
                if backoff.failures == 0:
                    log.warning("LISTEN connection lost (%s); reconnecting", str(exc).splitlines()[0])
            self.connected.clear()
            if self._closed.is_set() or backoff.wait(self._closed):
                return

    def _listen(self, backoff: Backoff) -> None:
        import psycopg

        # Keepalives notice a server that vanished without closing the connection (a cable, a crashed host).
        with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5, keepalives=1,
                             keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
                             **self.extra) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            backoff.reset()
            self.connected.set()
            if self.on_connected is not None:
                self.on_connected()
            while not self._closed.is_set():
                for notify in connection.notifies(timeout=LISTEN_TICK_S):
                    kind, _, action = notify.payload.partition(":")
                    try:
                        self.on_change(kind, action)
                    except Exception:  # a broken follower must not end the listening
                        log.exception("notification handler failed")

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(RuntimeError):
            self._thread.join(5)
