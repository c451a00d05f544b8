"""The task table's rows come from the core: a page of a query with project names and sorted tags."""

from __future__ import annotations

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.task_rows import fetch_rows
from tasktune_gui.core.tasks import TaskQuery


def test_a_page_of_rows_with_project_names_and_sorted_tags(sqlite_core: Core) -> None:
    for name, project in (("a", "vision"), ("b", "vision/detection"), ("c", "audio")):
        task_id = sqlite_core.tasks.add(Task(id="", name=name, repository="/r", entry_point="t.py"), project)
        sqlite_core.tasks.add_tags(task_id, ["zeta", f"tag-{name}"])
    page = fetch_rows(sqlite_core, TaskQuery(order_by="name", descending=False, limit=2, offset=1), [])
    assert [(row.task.name, row.project, row.tags, row.extras) for row in page] == [
        ("b", "vision/detection", "tag-b, zeta", {}), ("c", "audio", "tag-c, zeta", {})]
