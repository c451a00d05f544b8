"""The console spool: lines kept in order while the database is away (in memory, then a file), written once."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ResultStore
from tasktune_gui.execution.run.console_spool import ConsoleSpool


class DroppingResults(ResultStore):
    """The real store behind a connection that drops: before a write reaches the server, or after its commit
    (the answer is lost, as when the server dies between COMMIT and its reply)."""

    def __init__(self, core: Core) -> None:
        super().__init__(core.store, core.events)
        self.down = False
        self.drop_after_commit = 0

    def append_console(self, task_id: str, lines: Iterable[tuple[str, str]], at: datetime | None = None) -> int:
        if self.down:
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        written = super().append_console(task_id, lines, at)
        if self.drop_after_commit:
            self.drop_after_commit -= 1
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))
        return written

    def console_batch_stored(self, task_id: str, at: datetime, count: int) -> bool:
        if self.down:
            raise OperationalError("SELECT", {}, Exception("could not connect to server"))
        return super().console_batch_stored(task_id, at, count)


@pytest.fixture
def task_id(sqlite_core: Core) -> str:
    return sqlite_core.tasks.add(Task(id="", name="chatty"), "P")


def texts(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id, limit=100_000)]


def test_lines_wait_in_memory_then_a_file_and_go_in_order_when_the_database_is_back(
    sqlite_core: Core, task_id: str, tmp_path: Path
) -> None:
    results = DroppingResults(sqlite_core)
    spool = ConsoleSpool(results, task_id, tmp_path / "console.spool", memory_bytes=200)
    spool([("stdout", "before")])
    results.down = True
    expected = ["before"]
    for n in range(50):
        batch = [("stdout", f"line {n}.{k} " + "x" * 10) for k in range(3)]
        spool(batch)
        expected.extend(text for _stream, text in batch)
    assert spool.spilled_ever and (tmp_path / "console.spool").exists()
    assert texts(sqlite_core, task_id) == ["before"]
    results.down = False
    assert spool.drain()
    assert texts(sqlite_core, task_id) == expected
    assert spool.pending == 0 and spool.written == len(expected)
    assert not (tmp_path / "console.spool").exists()


@pytest.mark.parametrize("lost", ["before-the-server", "commit-answer"])
def test_a_batch_whose_write_failed_is_written_once_on_retry(
    sqlite_core: Core, task_id: str, tmp_path: Path, lost: str
) -> None:
    results = DroppingResults(sqlite_core)
    spool = ConsoleSpool(results, task_id, tmp_path / "console.spool")
    if lost == "commit-answer":
        results.drop_after_commit = 1
    else:
        results.down = True
    spool([("stdout", "one"), ("stderr", "two")])
    assert spool.pending == 1  # kept: after a lost answer it cannot know the commit went through
    results.down = False
    spool([("stdout", "three")])
    assert spool.drain()
    assert texts(sqlite_core, task_id) == ["one", "two", "three"]


def test_a_stopped_drain_keeps_the_lines(sqlite_core: Core, task_id: str, tmp_path: Path) -> None:
    results = DroppingResults(sqlite_core)
    spool = ConsoleSpool(results, task_id, tmp_path / "console.spool")
    results.down = True
    spool([("stdout", "kept")])
    stop = threading.Event()
    stop.set()
    assert not spool.drain(stop)
    assert spool.pending == 1
