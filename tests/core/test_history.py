"""Who did what on a SQLite file: each status change and edit recorded with TASKTUNE_USER (or the OS user)."""

from __future__ import annotations

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.history import events, last_person_event
from tasktune_gui.core.models import Task


def test_status_changes_and_edits_are_recorded_with_who(sqlite_core: Core,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    core = sqlite_core
    monkeypatch.setenv("TASKTUNE_USER", "alice")
    task_id = core.tasks.add(Task(id="", name="t", repository="/src", entry_point="train.py"), "vision")
    core.editor.set_hyperparameter(task_id, "Args", "lr", "0.1")
    core.lifecycle.enqueue(task_id)
    monkeypatch.setenv("TASKTUNE_USER", "gpu-box")
    assert core.queues.pop(["default"], worker="w") == task_id
    monkeypatch.setenv("TASKTUNE_USER", "bob")
    core.lifecycle.abort(task_id)
    monkeypatch.setenv("TASKTUNE_USER", "gpu-box")
    core.lifecycle.mark_aborted(task_id)
    with core.store.read() as session:
        said = [(e.action, e.actor) for e in events(session, task_id)]
        last = last_person_event(session, task_id)
    assert said == [("stopped", "gpu-box"), ("aborted", "bob"), ("started", "gpu-box"), ("enqueued", "alice"),
                    ("edited", "alice"), ("created", "alice")]
    assert last is not None and last.describe().startswith("aborted by bob at ")
    assert core.last_change(task_id) == last.describe()
    history = core.task_json(task_id, with_history=True)["history"]
    assert (history[1]["action"], history[1]["by"]) == ("aborted", "bob")


def test_a_deleted_tasks_history_stays(sqlite_core: Core) -> None:
    task_id = sqlite_core.tasks.add(Task(id="", name="t", repository="/src", entry_point="train.py"), "vision")
    sqlite_core.lifecycle.delete(task_id)
    with sqlite_core.store.read() as session:
        assert [e.action for e in events(session, task_id)] == ["deleted", "created"]
