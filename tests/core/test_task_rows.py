"""The tables' rows come from the core: a page of a query with project names and sorted tags; models likewise."""

from __future__ import annotations

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.row_sources import ModelRows, TaskRows
from tasktune_gui.core.task_rows import fetch_rows
from tasktune_gui.core.tasks import TaskQuery


def test_a_page_of_rows_with_project_names_and_sorted_tags(sqlite_core: Core) -> None:
    for name, project in (("a", "vision"), ("b", "vision/detection"), ("c", "audio")):
        task_id = sqlite_core.tasks.add(Task(id="", name=name, repository="/r", entry_point="t.py"), project)
        sqlite_core.tasks.add_tags(task_id, ["zeta", f"tag-{name}"])
    page = fetch_rows(sqlite_core, TaskQuery(order_by="name", descending=False, limit=2, offset=1), [])
    assert [(row.task.name, row.project, row.tags, row.extras) for row in page] == [
        ("b", "vision/detection", "tag-b, zeta", {}), ("c", "audio", "tag-c, zeta", {})]


def test_row_sources_count_page_and_sort_in_the_database(sqlite_core: Core) -> None:
    for name in ("b", "a", "c"):
        sqlite_core.tasks.add(Task(id="", name=name, repository="/r", entry_point="t.py"), "vision")
        sqlite_core.models.create(f"model-{name}", project="vision" if name != "c" else "audio")
    tasks = TaskRows(sqlite_core, TaskQuery(project="vision"))
    tasks.order("name", descending=True)
    assert tasks.count() == 3 and [row.task.name for row in tasks.page(1, 5)] == ["b", "a"]
    models = ModelRows(sqlite_core, project="vision")
    models.order("name", descending=False)
    page = models.page(0, 5)
    assert models.count() == 2 and [(row.model.name, row.project) for row in page] == [
        ("model-a", "vision"), ("model-b", "vision")]
    assert models.row_id(page[0]) == page[0].model.id and tasks.row_id(tasks.page(0, 1)[0])
