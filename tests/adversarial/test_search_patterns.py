"""Item 7: a search matches what was typed; % and _ are not wildcards (task table, `list`, models)."""

from __future__ import annotations

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.tasks import TaskQuery
from tests.support.cli import Run, add_draft


def names(core: Core, **query: object) -> set[str]:
    return {task.name for task in core.tasks.query(TaskQuery(**query))}  # type: ignore[arg-type]


def test_percent_and_underscore_match_themselves(core: Core) -> None:
    for name, project in [("lr_1", "a_b"), ("lrx1", "a_b/sub"), ("100% done", "axb/sub"), ("back\\slash", "P")]:
        core.tasks.add(Task(id="", name=name), project)
    assert names(core, search="lr_1") == {"lr_1"}
    assert names(core, search="%") == {"100% done"}
    assert names(core, search="\\") == {"back\\slash"}
    assert names(core, project="a_b") == {"lr_1", "lrx1"}  # its subproject, not axb's


def test_model_search_too(core: Core) -> None:
    core.models.create("model_1", "P")
    core.models.create("modelx1", "P")
    assert [model.name for model, _ in core.models.query(search="model_1")] == ["model_1"]
    assert core.models.query(search="%") == []


def test_list_search_from_the_cli(tt: Run, sqlite_url: str) -> None:
    add_draft(sqlite_url, "lr_1")
    add_draft(sqlite_url, "lrx1")
    assert tt("list", "--search", "lr_1").stdout.count("lrx1") == 0
    assert "lr_1" in tt("list", "--search", "lr_1").stdout
    assert tt("list", "--search", "%", "--json").stdout.strip() == "[]"
