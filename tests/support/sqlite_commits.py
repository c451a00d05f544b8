"""Commits to a SQLite file that TaskTune's change bus never hears of, as another process's would be."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path


def commit_elsewhere(database: str | Path) -> None:
    """One commit by a plain sqlite3 connection, to a scratch table of its own."""
    connection = sqlite3.connect(database)
    with connection:
        connection.execute("CREATE TABLE IF NOT EXISTS scratch (n INTEGER)")
        connection.execute("INSERT INTO scratch VALUES (1)")
    connection.close()


def woken_by_commits(wait: Callable[[float], bool], database: str | Path, tries: int = 20) -> bool:
    """Commits until `wait(seconds)` says one woke its follower: the first may come before the follower's thread
    has read the file's data_version, and a commit before that read is no change to it."""
    for _ in range(tries):
        commit_elsewhere(database)
        if wait(1.0):
            return True
    return False
