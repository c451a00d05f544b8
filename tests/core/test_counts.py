"""The project counts the dashboard shows are kept by the database itself, right through every kind of change."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from tasktune_gui.core import registry
from tasktune_gui.core.api import Core
from tasktune_gui.core.counts import compact, read_counts
from tasktune_gui.core.migrate import alembic_config
from tasktune_gui.core.store import Store
from tests.support.lifecycle import kept_and_counted, new_task


def counts_of(core: Core, project: str) -> dict[str, int]:
    return next(s.counts for s in core.projects.summaries() if s.name == project)


def test_counts_follow_creates_status_changes_archives_moves_and_deletes(core: Core) -> None:
    a, b, c = (new_task(core, name, project="vision") for name in ("a", "b", "c"))
    assert counts_of(core, "vision") == {"draft": 3}
    core.lifecycle.enqueue(a, "default")
    assert core.queues.pop(["default"], worker="w", host="h") == a
    core.lifecycle.complete(a)
    core.lifecycle.enqueue(b, "default")
    core.lifecycle.archive(c)
    assert counts_of(core, "vision") == {"completed": 1, "pending": 1}
    core.tasks.move(b, "audio")
    assert counts_of(core, "vision") == {"completed": 1}
    assert counts_of(core, "audio") == {"pending": 1}
    core.lifecycle.restore(c)
    core.lifecycle.delete(c)
    core.lifecycle.archive(a)
    assert counts_of(core, "vision") == {}
    # The triggers exist at the head revision: a later migration that rebuilds the task table on SQLite (batch
    # mode) drops them and must make them again.
    kept, counted = kept_and_counted(core)
    assert kept == counted


def test_compacting_folds_the_rows_and_keeps_the_numbers(core: Core) -> None:
    tasks = [new_task(core, f"t{i}", project="nlp", details=False) for i in range(6)]
    for task in tasks:
        core.lifecycle.enqueue(task, "default")
        core.lifecycle.dequeue(task)
    with core.store.read() as session:
        before, rows = read_counts(session)
    assert rows > 2
    compact(core.store)
    with core.store.read() as session:
        after, rows = read_counts(session)
    assert after == before and rows == 1  # one project, one status: draft


def test_a_read_past_the_threshold_compacts(core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "COMPACT_AT", 20)
    task = new_task(core, "busy", project="rl", details=False)
    for _ in range(6):  # each round trip appends four rows
        core.lifecycle.enqueue(task, "default")
        core.lifecycle.dequeue(task)
    assert counts_of(core, "rl") == {"draft": 1}
    with core.store.read() as session:
        assert read_counts(session)[1] == 1


def test_upgrading_an_older_database_counts_the_tasks_it_has(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    core = Core.open(url)
    for name in ("x", "y"):
        new_task(core, name, project="old")
    archived = new_task(core, "z", project="old")
    core.lifecycle.archive(archived)
    core.close()
    store = Store(url)
    with store.write_engine.begin() as conn:  # back to the schema before kept counts, by the migrations themselves
        command.downgrade(alembic_config(conn), "0004")
    store.close()
    core = Core.open(url)
    assert counts_of(core, "old") == {"draft": 2}
    core.close()
