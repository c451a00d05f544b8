"""A task as the JSON object of `show --json` (REFERENCE §3), and the short form of `list --json`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as table_select
from sqlmodel import Session, select

from tasktune_gui.core.lookup import project_name
from tasktune_gui.core.models import ConfigObject, Hyperparameter, Task, TaskTag


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def task_tags(session: Session, task_id: str) -> list[str]:
    return sorted(session.exec(select(TaskTag.tag).where(TaskTag.task_id == task_id)).all())


_HYPERPARAMETERS = Hyperparameter.__table__  # type: ignore[attr-defined]
_CONFIG_OBJECTS = ConfigObject.__table__  # type: ignore[attr-defined]
# Built once and read as plain rows: a worker reads both for every task it runs.
_HYPERPARAMETER_ROWS = (
    table_select(_HYPERPARAMETERS.c.section, _HYPERPARAMETERS.c.name, _HYPERPARAMETERS.c.value,
                 _HYPERPARAMETERS.c.type, _HYPERPARAMETERS.c.description)
    .where(_HYPERPARAMETERS.c.task_id == bindparam("task"))
    .order_by(_HYPERPARAMETERS.c.position)
)
_CONFIG_ROWS = (
    table_select(_CONFIG_OBJECTS.c.name, _CONFIG_OBJECTS.c.value, _CONFIG_OBJECTS.c.type,
                 _CONFIG_OBJECTS.c.description)
    .where(_CONFIG_OBJECTS.c.task_id == bindparam("task"))
    .order_by(_CONFIG_OBJECTS.c.position)
)


def hyperparameters(session: Session, task_id: str) -> dict[str, dict[str, dict[str, str]]]:
    """Sections in the order of their first name, names in their own order."""
    rows = session.connection().execute(_HYPERPARAMETER_ROWS, {"task": task_id}).all()
    sections: dict[str, dict[str, dict[str, str]]] = {}
    for section, name, value, kind, description in rows:
        sections.setdefault(section, {})[name] = {"value": value, "type": kind, "description": description}
    return sections


def configuration(session: Session, task_id: str) -> dict[str, dict[str, str]]:
    rows = session.connection().execute(_CONFIG_ROWS, {"task": task_id}).all()
    return {name: {"value": value, "type": kind, "description": description}
            for name, value, kind, description in rows}


def task_summary(session: Session, task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "name": task.name,
        "type": task.type,
        "project": project_name(session, task.project_id),
        "status": task.status,
        "user": task.user,
        "tags": task_tags(session, task.id),
        "last_update": iso(task.last_update),
        "archived": task.archived,
    }


def task_to_dict(session: Session, task: Task) -> dict[str, Any]:
    from tasktune_gui.core.records import read_records  # records builds on iso() above

    return read_records(session, [task.id])[0].to_json()
