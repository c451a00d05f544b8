"""The rows the window's task table pages through: one page of a query's tasks with project names, tags and the
extra columns a person added, in a fixed number of queries whatever the page's size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import col, select

from tasktune_gui.core.models import Project, Task, TaskTag
from tasktune_gui.core.overview import ExtraColumn
from tasktune_gui.core.tasks import TaskQuery

if TYPE_CHECKING:
    from tasktune_gui.core.api import Core


@dataclass(frozen=True)
class Row:
    task: Task
    project: str
    tags: str
    extras: dict[str, str]  # ExtraColumn.key → value


def fetch_rows(core: Core, query: TaskQuery, extra: list[ExtraColumn]) -> list[Row]:
    """Rows for one page of `query` (its limit/offset): tasks, project names, tags and the extra columns."""
    tasks = core.tasks.query(query)
    ids = [t.id for t in tasks]
    with core.store.read() as session:
        projects = dict(session.exec(select(Project.id, Project.name)).all())
        tags: dict[str, list[str]] = {}
        for task_id, tag in session.exec(
            select(TaskTag.task_id, TaskTag.tag).where(col(TaskTag.task_id).in_(ids)).order_by(TaskTag.tag)
        ).all():
            tags.setdefault(task_id, []).append(tag)
    values = core.overview.column_values(ids, extra) if extra else {}
    return [Row(t, projects.get(t.project_id, ""), ", ".join(tags.get(t.id, [])),
                {c.key: values.get((t.id, c.key), "") for c in extra}) for t in tasks]
