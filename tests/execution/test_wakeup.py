"""An idle worker on SQLite wakes on another process's commit without polling the file."""

from __future__ import annotations

from tasktune_gui.core.api import Core
from tasktune_gui.core.store import sqlite_path
from tasktune_gui.execution.worker.wakeup import Wakeup
from tests.support.sqlite_commits import woken_by_commits


def test_a_commit_elsewhere_wakes_a_worker_that_never_polls(sqlite_core: Core) -> None:
    database = sqlite_path(sqlite_core.store.url)
    assert database is not None
    wakeup = Wakeup(sqlite_core, interval=3600.0)  # polled this seldom, only the folder's watch can wake it
    try:
        assert woken_by_commits(wakeup.wait, database)
    finally:
        wakeup.close()
