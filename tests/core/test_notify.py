"""PostgreSQL notifications: sent with each committed change, never on rollback; followers reconnect; the feed
sees changes that commit out of id order."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition
from tasktune_gui.core.events import Change, note
from tasktune_gui.core.feed import ChangeFeed
from tasktune_gui.core.models import Task
from tasktune_gui.core.notify import CHANNEL, ChangeListener, libpq_conninfo
from tests.support.cores import opened
from tests.support.postgres import PostgresCluster
from tests.support.waiting import wait_until


def test_a_committed_change_is_notified_and_a_refused_one_is_not(pg_core: Core, postgres_url: str) -> None:
    with psycopg.connect(libpq_conninfo(postgres_url), autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        task_id = pg_core.tasks.add(Task(id="", name="t"), "P")
        got = [n.payload for n in listener.notifies(timeout=2, stop_after=2)]
        assert got == ["project:created", "task:created"]
        with pytest.raises(InvalidTransition):
            pg_core.lifecycle.publish(task_id)  # refused: its transaction rolls back, its notification too
        assert [n.payload for n in listener.notifies(timeout=0.5)] == []


def test_listener_reconnects_after_its_backend_is_terminated(
    pg_core: Core, postgres_url: str, postgres_cluster: PostgresCluster
) -> None:
    seen: list[tuple[str, str]] = []
    connections: list[float] = []
    listener = ChangeListener(postgres_url, lambda kind, action: seen.append((kind, action)),
                              lambda: connections.append(time.monotonic()))
    try:
        wait_until(listener.connected.is_set, what="listening")
        postgres_cluster.terminate_backends(str(make_url(postgres_url).database))
        wait_until(lambda: len(connections) >= 2, what="the listener reconnected")
        pg_core.queues.create("after")
        wait_until(lambda: ("queue", "created") in seen, what="a notification after the reconnection")
    finally:
        listener.close()


@pytest.fixture
def follower(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Core]:
    """A second Core that takes every change record for another process's, as a window on another machine would."""
    monkeypatch.setattr("tasktune_gui.core.feed.ORIGIN", "another process")
    with opened(postgres_url) as core:
        yield core


def test_feed_publishes_a_change_that_commits_after_a_later_one(pg_core: Core, follower: Core) -> None:
    seen: list[Change] = []
    follower.events.subscribe(seen.append)
    feed = ChangeFeed(follower.store, follower.events)
    with pg_core.store.write() as session:  # takes the lower record id, commits last
        note(session, Change("queue", "updated", ("slow",)))
        session.flush()
        later = pg_core.queues.create("fast")  # another connection: commits first
        assert later.name == "fast"
        feed.poll()
        assert seen == [Change("queue", "created", ("fast",))]
    feed.poll()
    assert seen[-1] == Change("queue", "updated", ("slow",))


def test_feed_listen_wakes_a_follower_on_another_connection(pg_core: Core, follower: Core) -> None:
    woke = threading.Event()
    feed = ChangeFeed(follower.store, follower.events)
    close = feed.listen(woke.set)
    try:
        wait_until(woke.is_set, what="the first wake (on connecting)")
        woke.clear()
        seen: list[Change] = []
        follower.events.subscribe(seen.append)
        pg_core.queues.create("lab")
        assert woke.wait(2), "a NOTIFY should wake the follower"
        feed.poll()
        assert Change("queue", "created", ("lab",)) in seen
    finally:
        close()


def test_feed_listen_does_nothing_on_sqlite(sqlite_core: Core) -> None:
    feed = ChangeFeed(sqlite_core.store, sqlite_core.events)
    feed.listen(lambda: None)()
