"""Following another connection's commits to a SQLite file: woken by a write to its folder, not by polling."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tasktune_gui.core import data_version
from tasktune_gui.core.api import Core
from tasktune_gui.core.data_version import DataVersionWatch
from tasktune_gui.core.database_writes import DatabaseWrites
from tasktune_gui.core.feed import ChangeFeed
from tasktune_gui.core.store import sqlite_path
from tests.support.sqlite_commits import commit_elsewhere, woken_by_commits
from tests.support.waiting import wait_until


@pytest.mark.parametrize("watched", [True, False], ids=["folder-watched", "polled"])
def test_another_connections_commit_is_seen(sqlite_core: Core, monkeypatch: pytest.MonkeyPatch,
                                            watched: bool) -> None:
    database = sqlite_path(sqlite_core.store.url)
    assert database is not None
    if watched:
        interval = 3600.0  # polled this seldom, only the folder's watch can wake it
    else:
        monkeypatch.setattr(DatabaseWrites, "open", classmethod(lambda cls, database: None))
        interval = data_version.DATA_VERSION_INTERVAL_S
    woken = threading.Event()
    watch = DataVersionWatch(database, woken.set, interval=interval, name="test-watch")
    try:
        assert woken_by_commits(woken.wait, database)
    finally:
        watch.close()


def test_closing_an_idle_watch_ends_its_thread_at_once(sqlite_core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_version, "WATCHED_POLL_S", 3600.0)
    database = sqlite_path(sqlite_core.store.url)
    assert database is not None
    woken = threading.Event()
    watch = DataVersionWatch(database, woken.set, interval=3600.0, name="test-watch")
    assert woken_by_commits(woken.wait, database)
    wait_until(lambda: time.monotonic() > watch._last_write + data_version.FOLLOW_WRITE_S + 0.05,
               what="the thread back on the folder's watch")
    watch.close()
    assert not watch.thread.is_alive()


def test_the_change_feed_listens_to_a_sqlite_path(sqlite_core: Core) -> None:
    # The window's follower: another process's commit wakes its poll at once, not at its next safety tick.
    database = sqlite_path(sqlite_core.store.url)
    assert database is not None
    woken = threading.Event()
    stop = ChangeFeed(sqlite_core.store, sqlite_core.events).listen(woken.set)
    try:
        assert woken_by_commits(woken.wait, database)
    finally:
        stop()


def test_only_the_databases_own_files_count_as_writes(tmp_path: Path) -> None:
    database = tmp_path / "tasks.db"
    commit_elsewhere(database)
    writes = DatabaseWrites.open(database)
    assert writes is not None
    try:
        (tmp_path / "notes.txt").write_text("not the database")
        (tmp_path / "tasks.db.bak").write_text("a name that starts like it")
        assert not writes.wait(0.2)
        commit_elsewhere(database)
        assert writes.wait(10)
    finally:
        writes.close()


def test_an_interrupt_ends_a_wait_from_another_thread(tmp_path: Path) -> None:
    writes = DatabaseWrites.open(tmp_path / "tasks.db")
    assert writes is not None
    results: list[bool] = []
    waiter = threading.Thread(target=lambda: results.append(writes.wait(3600)))
    waiter.start()
    writes.interrupt()
    waiter.join(10)
    writes.close()
    writes.interrupt()  # after the close: writes to no descriptor, reused or not
    assert results == [False]


def test_where_the_folder_cannot_be_watched_there_is_no_watch(tmp_path: Path) -> None:
    assert DatabaseWrites.open(tmp_path / "no-such-folder" / "tasks.db") is None
