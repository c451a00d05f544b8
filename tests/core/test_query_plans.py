"""The task table's sorts and searches read indexes, so a million tasks answer in milliseconds."""

from __future__ import annotations

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.query_plan import last_select_plan
from tasktune_gui.core.tasks import TaskQuery


@pytest.fixture
def filled(sqlite_core: Core) -> Core:
    core = sqlite_core
    for project in ("vision", "nlp"):
        for number in range(30):
            core.tasks.add(Task(name=f"run {number}"), project)
    return core


def plan(core: Core, query: TaskQuery, count: bool = False) -> str:
    action = (lambda: core.tasks.count(query)) if count else (lambda: core.tasks.query(query))
    return " | ".join(last_select_plan(core.store.engine, action))


@pytest.mark.parametrize("project", ["vision", None])
def test_sorting_by_name_walks_a_name_index(filled: Core, project: str | None) -> None:
    query = TaskQuery(project=project, order_by="name", descending=False, limit=100)
    text = plan(filled, query)
    assert ("ix_task_project_name" if project else "ix_task_all_name") in text
    assert "TEMP B-TREE FOR ORDER BY" not in text  # only ties on the id may still be sorted
    first = ["run 0", "run 1", "run 10"]
    assert [t.name for t in filled.tasks.query(query)][:3] == (first if project else [first[0], *first[:2]])


def test_a_name_search_is_answered_from_the_index(filled: Core) -> None:
    query = TaskQuery(project="vision", search="run 1")
    assert "COVERING INDEX ix_task_project_name" in plan(filled, query, count=True)
    assert filled.tasks.count(query) == 11  # run 1, run 10..19


def test_a_hex_search_also_finds_an_id_prefix(filled: Core) -> None:
    task = filled.tasks.query(TaskQuery(project="nlp", limit=1))[0]
    found = filled.tasks.query(TaskQuery(search=task.id[:6].upper()))
    assert task.id in [t.id for t in found]
