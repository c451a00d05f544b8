"""Where a database password comes from, and that what TaskTune writes never holds one."""

from __future__ import annotations

import sys
import types

import pytest
from sqlalchemy.engine import make_url

from tasktune_gui.core.passwords import (
    connect_password,
    has_password,
    keep_in_keyring,
    keyring_key,
    keyring_password,
    without_password,
)

URL = "postgresql+psycopg://alice:s3cret@db.lab:6543/tasktune?sslmode=verify-full&sslrootcert=/ca.pem"


def test_a_url_loses_its_password_and_nothing_else() -> None:
    kept = without_password(URL)
    assert "s3cret" not in kept and not has_password(kept) and has_password(URL)
    assert kept.startswith("postgresql+psycopg://alice@db.lab:6543/tasktune?")
    assert make_url(kept).query == {"sslmode": "verify-full", "sslrootcert": "/ca.pem"}
    assert without_password("postgresql+psycopg://alice@db.lab/tasktune") == "postgresql+psycopg://alice@db.lab/tasktune"


@pytest.fixture
def desktop_keyring(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], str]:
    """A stand-in for the `keyring` library: no desktop keyring service runs here."""
    kept: dict[tuple[str, str], str] = {}
    module = types.ModuleType("keyring")
    module.get_password = lambda service, key: kept.get((service, key))  # type: ignore[attr-defined]
    module.set_password = lambda service, key, secret: kept.__setitem__((service, key), secret)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    return kept


def test_the_keyring_gives_the_password_when_nothing_else_does(desktop_keyring: dict[tuple[str, str], str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bare = without_password(URL)
    assert keyring_key(bare) == "alice@db.lab:6543/tasktune"
    assert keyring_password(bare) is None
    assert keep_in_keyring(bare, "from-keyring")
    params: dict[str, str] = {}
    connect_password(bare, params)
    assert params == {"password": "from-keyring"}
    given = {"password": "from-url"}
    connect_password(bare, given)
    assert given == {"password": "from-url"}  # the URL's wins
    monkeypatch.setenv("PGPASSWORD", "from-env")
    from_env: dict[str, str] = {}
    connect_password(bare, from_env)
    assert from_env == {}  # libpq reads PGPASSWORD itself


def test_no_keyring_library_means_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # an import of it fails, as where it is not installed
    assert keyring_password(URL) is None
    assert not keep_in_keyring(URL, "x")
