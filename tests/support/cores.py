"""A Core over a test database, opened in the test's own process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tasktune_gui.core.api import Core


@contextmanager
def opened(db_url: str) -> Iterator[Core]:
    """A Core over the database at `db_url`, closed at the end."""
    core = Core.open(db_url)
    try:
        yield core
    finally:
        core.close()
