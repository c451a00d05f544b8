"""A Core over a test database, opened in the test's own process, and the session's migrated database that
each test's database starts as a copy of."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from tasktune_gui.core.api import Core


@contextmanager
def opened(db_url: str) -> Iterator[Core]:
    """A Core over the database at `db_url`, closed at the end."""
    core = Core.open(db_url)
    try:
        yield core
    finally:
        core.close()


def migrated_sqlite(folder: Path) -> Path:
    """A SQLite database in `folder` upgraded to the newest schema by opening it, then closed (nothing else in it)."""
    path = folder / "migrated.db"
    with opened(f"sqlite:///{path}"):
        pass
    return path


def copy_of_migrated(template: Path, db_url: str) -> str:
    """`db_url` (SQLite) holding a copy of the migrated `template`, as a first open would have left it; a database
    already there is kept. Migrating a new database costs about a second, a copy a millisecond."""
    path = Path(str(make_url(db_url).database))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
    return db_url
