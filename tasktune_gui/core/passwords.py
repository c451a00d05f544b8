"""Database passwords are read where libpq and the desktop read them, and never written by TaskTune.

A PostgreSQL password comes from the URL given on the command line (used for that run only), PGPASSWORD,
the desktop keyring (the `keyring` library, when installed) or libpq's own ~/.pgpass / PGPASSFILE. Whatever
TaskTune writes (autostart entries, launchers, settings, logs) holds the URL without its password."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy.engine import URL, make_url

KEYRING_SERVICE = "tasktune"
WHERE_TO_KEEP = ("keep the password in ~/.pgpass (host:port:database:user:password, mode 600), in PGPASSWORD, "
                 "or in the desktop keyring (tasktune lab keep-password)")


def has_password(url: str) -> bool:
    return make_url(url).password is not None


def without_password(url: str) -> str:
    """The URL as it may be written to a file: every part but the password."""
    parsed = make_url(url)
    if parsed.password is None:
        return url
    # URL.set(password=None) keeps the password (None there means "unchanged"): build the URL without it.
    kept = URL.create(parsed.drivername, username=parsed.username, host=parsed.host, port=parsed.port,
                      database=parsed.database, query=parsed.query)
    return kept.render_as_string(hide_password=False)


def keyring_key(url: str) -> str:
    """The keyring entry of a database login: user@host:port/database."""
    parsed = make_url(url)
    return f"{parsed.username or ''}@{parsed.host or ''}:{parsed.port or 5432}/{parsed.database or ''}"


def _keyring() -> Any:
    try:
        import keyring  # optional: a desktop keyring where the library is installed
    except ImportError:
        return None
    return keyring


def keyring_password(url: str) -> str | None:
    """The password the desktop keyring keeps for this login, if there is a keyring and it keeps one."""
    module = _keyring()
    if module is None:
        return None
    try:
        found = module.get_password(KEYRING_SERVICE, keyring_key(url))
    except Exception:  # no keyring backend on this machine (a headless worker): libpq's own sources remain
        return None
    return str(found) if found else None


def keep_in_keyring(url: str, password: str) -> bool:
    """Store the password in the desktop keyring; False when there is none."""
    module = _keyring()
    if module is None:
        return False
    try:
        module.set_password(KEYRING_SERVICE, keyring_key(url), password)
    except Exception:
        return False
    return True


def connect_password(url: str, given: dict[str, Any]) -> None:
    """Before each new connection: the keyring's password when neither the URL nor PGPASSWORD gives one."""
    if "password" in given or os.environ.get("PGPASSWORD"):
        return
    found = keyring_password(url)
    if found:
        given["password"] = found
