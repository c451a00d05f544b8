"""A task as the JSON object of `show --json` (REFERENCE §3), and the short form of `list --json`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as table_select
from sqlmodel import Session, col, select

from tasktune_gui.core.lookup import project_name
from tasktune_gui.core.models import ConfigObject, Hyperparameter, LastMetric, Model, Task, TaskTag, UserProperty


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


def user_properties(session: Session, task_id: str) -> dict[str, dict[str, str]]:
    rows = session.exec(
        select(UserProperty).where(UserProperty.task_id == task_id).order_by(col(UserProperty.position))
    ).all()
    return {r.name: {"value": r.value, "description": r.description} for r in rows}


def configuration(session: Session, task_id: str) -> dict[str, dict[str, str]]:
    rows = session.connection().execute(_CONFIG_ROWS, {"task": task_id}).all()
    return {name: {"value": value, "type": kind, "description": description}
            for name, value, kind, description in rows}


def metrics(session: Session, task_id: str) -> dict[str, float]:
    rows = session.exec(select(LastMetric).where(LastMetric.task_id == task_id)).all()
    return {f"{r.metric}/{r.series}": r.value for r in sorted(rows, key=lambda r: (r.metric, r.series))}


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
    outputs = session.exec(select(Model.id).where(Model.task_id == task.id).order_by(col(Model.created))).all()
    return {
        "id": task.id,
        "name": task.name,
        "type": task.type,
        "project": project_name(session, task.project_id),
        "parent": task.parent_id,
        "description": task.description,
        "tags": task_tags(session, task.id),
        "user": task.user,
        "enqueued_by": task.enqueued_by,
        "archived": task.archived,
        "status": task.status,
        "status_reason": task.status_reason,
        "status_message": task.status_message,
        "created": iso(task.created),
        "started": iso(task.started),
        "completed": iso(task.completed),
        "last_update": iso(task.last_update),
        "execution": {
            "repository": task.repository,
            "branch": task.branch,
            "tag": task.tag,
            "commit": task.commit,
            "entry_point": task.entry_point,
            "working_dir": task.working_dir,
            "binary": task.binary,
            "requirements": task.requirements,
            "original_requirements": task.original_requirements,
            "diff": task.diff,
            "container": {
                "image": task.container_image,
                "arguments": task.container_arguments,
                "setup_script": task.container_setup_script,
                "use_image_env": task.container_use_image_env,
            },
            "output_uri": task.output_uri,
            "queue": task.queue,
        },
        "hyperparams": hyperparameters(session, task.id),
        "user_properties": user_properties(session, task.id),
        "configuration": configuration(session, task.id),
        "input_model": task.input_model_id,
        "output_models": list(outputs),
        "labels": dict(task.labels),
        "last_iteration": task.last_iteration,
        "metrics": metrics(session, task.id),
        "runtime": {
            "worker": task.worker,
            "host": task.host,
            "pid": task.pid,
            "exit_code": task.exit_code,
            "container_id": task.container_id,
            # The TaskTune that started the run (its worker, or the script's SDK): what a bug report needs.
            "tasktune_version": task.ran_with_version,
            "schema_version": task.ran_with_schema,
            "setup_step": task.setup_step,  # while the worker prepares the run; '' once it runs
            "setup_started": iso(task.setup_started),
        },
        "abort_requested": task.abort_requested,
    }
