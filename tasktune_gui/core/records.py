"""The whole task record, typed and frozen, read for any number of tasks in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlmodel import Session

from tasktune_gui.core.history import Event
from tasktune_gui.core.models import Task
from tasktune_gui.core.serialize import iso

Fields = dict[str, dict[str, str]]  # name → {"value", "type", "description"} (or {"value", "description"})
CHUNK = 500  # ids per IN list: well under every database's limit on bound values


@dataclass(frozen=True)
class Container:
    image: str
    arguments: str
    setup_script: str
    use_image_env: bool


@dataclass(frozen=True)
class Execution:
    repository: str
    branch: str | None
    tag: str | None
    commit: str | None
    entry_point: str
    working_dir: str
    binary: str
    requirements: str
    original_requirements: str
    diff: str
    container: Container
    output_uri: str
    queue: str | None


@dataclass(frozen=True)
class Runtime:
    worker: str | None
    host: str | None
    pid: int | None
    exit_code: int | None
    container_id: str | None
    tasktune_version: str  # the TaskTune that started the run
    schema_version: str
    setup_step: str  # while the worker prepares the run; '' once it runs
    setup_started: datetime | None


@dataclass(frozen=True)
class TaskRecord:
    """What `show --json` prints, as attributes; `to_json()` is that object (REFERENCE §3)."""

    id: str
    name: str
    type: str
    project: str
    parent: str | None
    description: str
    tags: tuple[str, ...]
    user: str
    enqueued_by: str
    archived: bool
    status: str
    status_reason: str
    status_message: str
    created: datetime
    started: datetime | None
    completed: datetime | None
    last_update: datetime
    execution: Execution
    hyperparams: dict[str, Fields]  # section → name → field, in the task's own order
    user_properties: Fields
    configuration: Fields
    input_model: str | None
    output_models: tuple[str, ...]
    labels: dict[str, int]
    last_iteration: int | None
    metrics: dict[str, float]  # "metric/series" → last value
    runtime: Runtime
    abort_requested: bool
    slurm_job_id: str = ""  # the Slurm job holding or running it; '' off Slurm
    history: tuple[Event, ...] = ()  # who did what, newest first: read only where asked (INFO, `show`)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def to_json(self) -> dict[str, Any]:
        execution = self.execution
        runtime = self.runtime
        return {
            "id": self.id, "name": self.name, "type": self.type, "project": self.project, "parent": self.parent,
            "description": self.description, "tags": list(self.tags), "user": self.user,
            "enqueued_by": self.enqueued_by, "archived": self.archived, "status": self.status,
            "status_reason": self.status_reason, "status_message": self.status_message,
            "created": iso(self.created), "started": iso(self.started), "completed": iso(self.completed),
            "last_update": iso(self.last_update),
            "execution": {
                "repository": execution.repository, "branch": execution.branch, "tag": execution.tag,
                "commit": execution.commit, "entry_point": execution.entry_point,
                "working_dir": execution.working_dir, "binary": execution.binary,
                "requirements": execution.requirements, "original_requirements": execution.original_requirements,
                "diff": execution.diff,
                "container": {"image": execution.container.image, "arguments": execution.container.arguments,
                              "setup_script": execution.container.setup_script,
                              "use_image_env": execution.container.use_image_env},
                "output_uri": execution.output_uri, "queue": execution.queue,
            },
            "hyperparams": {section: {name: dict(field) for name, field in names.items()}
                            for section, names in self.hyperparams.items()},
            "user_properties": {name: dict(field) for name, field in self.user_properties.items()},
            "configuration": {name: dict(field) for name, field in self.configuration.items()},
            "input_model": self.input_model, "output_models": list(self.output_models), "labels": dict(self.labels),
            "last_iteration": self.last_iteration, "metrics": dict(self.metrics),
            "runtime": {
                "worker": runtime.worker, "host": runtime.host, "pid": runtime.pid, "exit_code": runtime.exit_code,
                "container_id": runtime.container_id, "tasktune_version": runtime.tasktune_version,
                "schema_version": runtime.schema_version, "setup_step": runtime.setup_step,
                "setup_started": iso(runtime.setup_started),
            },
            "abort_requested": self.abort_requested, "slurm_job_id": self.slurm_job_id,
        }


_TASKS = Task.__table__  # type: ignore[attr-defined]


def id_chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    """The ids in lists of CHUNK, for IN (...) queries."""
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


TaskQuery = tuple[str, tuple[str, ...], tuple[tuple[int, Callable[[Any], Any]], ...]]
_task_queries: dict[type[Dialect], TaskQuery] = {}  # by the database's kind: a long session opens one or two


def _task_query(dialect: Dialect) -> TaskQuery:
    """The task rows' statement for this database, their column names, and the conversions SQLAlchemy would apply
    (dates, flags, JSON): run at the driver, the rows skip SQLAlchemy's Row, a third of their time."""
    known = _task_queries.get(type(dialect))
    if known is not None:
        return known
    quote = dialect.identifier_preparer.quote
    columns = tuple(_TASKS.c)
    names = tuple(column.name for column in columns) + ("project_name",)
    converters = tuple((index, processor) for index, processor in enumerate(
        column.type._cached_result_processor(dialect, None) for column in columns) if processor is not None)
    selected = ", ".join(f"task.{quote(column.name)}" for column in columns)
    query = f"SELECT {selected}, project.name FROM task JOIN project ON project.id = task.project_id", names, converters
    _task_queries[type(dialect)] = query
    return query


def _task_rows(session: Session, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The task rows of these ids, with their project's name, as dicts by id."""
    connection = session.connection()
    statement, names, converters = _task_query(connection.dialect)
    marker = _marker(connection.dialect)
    rows: dict[str, dict[str, Any]] = {}
    for chunk in id_chunks(ids):
        result = connection.exec_driver_sql(
            f"{statement} WHERE task.id IN ({', '.join([marker] * len(chunk))})", tuple(chunk))
        for values in result.cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            for index, convert in converters:
                row[names[index]] = convert(values[index])
            rows[row["id"]] = row
        result.close()
    return rows


def _marker(dialect: Dialect) -> str:
    return "?" if dialect.paramstyle == "qmark" else "%s"


def _child_rows(session: Session, columns: str, table: str, order: str, ids: Sequence[str]) -> Iterator[Any]:
    """Plain rows of a table keyed by task id, at the driver: their values are text and numbers that need no
    conversion, and skipping SQLAlchemy's per-row processing halves the time of a few thousand rows."""
    connection = session.connection()
    marker = _marker(connection.dialect)
    for chunk in id_chunks(ids):
        result = connection.exec_driver_sql(
            f"SELECT task_id, {columns} FROM {table} WHERE task_id IN ({', '.join([marker] * len(chunk))}) "
            f"ORDER BY {order}", tuple(chunk))
        # The driver's own tuples: a Row object per row would cost more than the query for a few thousand rows.
        rows = result.cursor.fetchall()
        result.close()
        yield from rows


def read_records(session: Session, ids: Sequence[str]) -> list[TaskRecord]:
    """The records of these (full) ids that exist, in the order given: seven queries whatever their number."""
    wanted = list(dict.fromkeys(ids))
    tasks = _task_rows(session, wanted)
    found = [task_id for task_id in wanted if task_id in tasks]
    tags: dict[str, list[str]] = {}
    for task_id, tag in _child_rows(session, "tag", "task_tag", "task_id, tag", found):
        tags.setdefault(task_id, []).append(tag)
    hyperparams: dict[str, dict[str, Fields]] = {}
    for task_id, section, name, value, kind, description in _child_rows(
            session, "section, name, value, type, description", "hyperparameter", "task_id, position", found):
        hyperparams.setdefault(task_id, {}).setdefault(section, {})[name] = {
            "value": value, "type": kind, "description": description}
    properties: dict[str, Fields] = {}
    for task_id, name, value, description in _child_rows(
            session, "name, value, description", "user_property", "task_id, position", found):
        properties.setdefault(task_id, {})[name] = {"value": value, "description": description}
    configuration: dict[str, Fields] = {}
    for task_id, name, value, kind, description in _child_rows(
            session, "name, value, type, description", "config_object", "task_id, position", found):
        configuration.setdefault(task_id, {})[name] = {"value": value, "type": kind, "description": description}
    metrics: dict[str, dict[str, float]] = {}
    for task_id, metric, series, value in _child_rows(
            session, "metric, series, value", "last_metric", "task_id, metric, series", found):
        metrics.setdefault(task_id, {})[f"{metric}/{series}"] = value
    outputs: dict[str, list[str]] = {}
    for task_id, model_id in _child_rows(session, "id", "model", "created, id", found):
        outputs.setdefault(task_id, []).append(model_id)
    return [_record(tasks[task_id], tuple(tags.get(task_id, ())), hyperparams.get(task_id, {}),
                    properties.get(task_id, {}), configuration.get(task_id, {}), metrics.get(task_id, {}),
                    tuple(outputs.get(task_id, ()))) for task_id in found]


def _record(row: dict[str, Any], tags: tuple[str, ...], hyperparams: dict[str, Fields], properties: Fields,
            configuration: Fields, metrics: dict[str, float], outputs: tuple[str, ...]) -> TaskRecord:
    return TaskRecord(
        id=row["id"], name=row["name"], type=row["type"], project=row["project_name"], parent=row["parent_id"],
        description=row["description"], tags=tags, user=row["user"], enqueued_by=row["enqueued_by"],
        archived=row["archived"],
        status=row["status"], status_reason=row["status_reason"], status_message=row["status_message"],
        created=row["created"], started=row["started"], completed=row["completed"], last_update=row["last_update"],
        execution=Execution(
            repository=row["repository"], branch=row["branch"], tag=row["tag"], commit=row["commit"],
            entry_point=row["entry_point"], working_dir=row["working_dir"], binary=row["binary"],
            requirements=row["requirements"], original_requirements=row["original_requirements"], diff=row["diff"],
            container=Container(row["container_image"], row["container_arguments"], row["container_setup_script"],
                                row["container_use_image_env"]),
            output_uri=row["output_uri"], queue=row["queue"]),
        hyperparams=hyperparams, user_properties=properties, configuration=configuration,
        input_model=row["input_model_id"], output_models=outputs, labels=dict(row["labels"] or {}),
        last_iteration=row["last_iteration"], metrics=metrics,
        runtime=Runtime(worker=row["worker"], host=row["host"], pid=row["pid"], exit_code=row["exit_code"],
                        container_id=row["container_id"], tasktune_version=row["ran_with_version"],
                        schema_version=row["ran_with_schema"], setup_step=row["setup_step"],
                        setup_started=row["setup_started"]),
        abort_requested=row["abort_requested"], slurm_job_id=row["slurm_job_id"],
    )
