"""SQLModel tables: projects, tasks and their parts, queues, workers, models and results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import JSON, BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _text(default: str = "") -> Any:
    """A TEXT column (no length limit on PostgreSQL) that is never NULL."""
    return Field(default=default, sa_column_kwargs={"nullable": False}, sa_type=Text)


class Table(SQLModel):
    """The base of every table. Pydantic's validators are built on first use, not at import: tables are filled
    by the ORM and by keyword, never validated or dumped by pydantic, and building them for every table would
    slow each start of the window, the CLI and each task's SDK."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]  # SQLModelConfig is private


class Info(Table, table=True):
    """Marks a database as TaskTune's; a file without it is refused."""

    __tablename__ = "tasktune_info"
    key: str = Field(primary_key=True)
    value: str = ""


class Project(Table, table=True):
    __tablename__ = "project"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)  # nested with "/": "vision/detection"
    description: str = _text()
    created: datetime = Field(default_factory=utcnow)
    last_update: datetime = Field(default_factory=utcnow)


class Task(Table, table=True):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_project_list", "project_id", "archived", "status", "last_update"),
        Index("ix_task_project_updated", "project_id", "archived", "last_update"),
        Index("ix_task_all_updated", "archived", "status", "last_update"),
        Index("ix_task_last_update", "last_update"),
        # Sorting by name, and a name search that reads only the index (migration 0004).
        Index("ix_task_project_name", "project_id", "archived", "name"),
        Index("ix_task_all_name", "archived", "name"),
    )
    id: str = Field(primary_key=True)
    name: str
    type: str = "training"
    project_id: int = Field(default=0, foreign_key="project.id")  # set when the task is added
    parent_id: str | None = Field(default=None, index=True)
    description: str = _text()
    user: str = ""  # who created or cloned it
    enqueued_by: str = ""  # who enqueued it last
    archived: bool = False

    status: str = "draft"
    status_reason: str = ""
    status_message: str = _text()
    status_before_enqueue: str | None = None  # where a dequeue returns to
    abort_requested: bool = False  # set on a running task; its worker kills it and marks it aborted
    created: datetime = Field(default_factory=utcnow)
    started: datetime | None = None
    completed: datetime | None = None
    last_update: datetime = Field(default_factory=utcnow)

    repository: str = ""
    branch: str | None = None
    tag: str | None = None
    commit: str | None = None
    entry_point: str = ""
    working_dir: str = "."
    binary: str = "python3"
    requirements: str = _text()
    original_requirements: str = _text()
    diff: str = _text()
    container_image: str = ""
    container_arguments: str = ""
    container_setup_script: str = _text()
    container_use_image_env: bool = False  # run with the image's own Python, no virtual environment
    output_uri: str = ""
    queue: str | None = None  # the last queue it was enqueued to

    input_model_id: str | None = None
    labels: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    last_iteration: int | None = None

    worker: str | None = None
    # The PostgreSQL login that took it to Running, set by the database (migration 0013): a lab's worker login
    # writes only the runs it claimed. Empty on SQLite.
    claimed_by: str | None = None
    host: str | None = None
    pid: int | None = None
    exit_code: int | None = None
    container_id: str | None = None
    # While a worker prepares a run: the step it is in (mirror, checkout, diff, environment, start) and since when.
    setup_step: str = ""
    setup_started: datetime | None = None
    ran_with_version: str = ""  # the TaskTune that started the run (a bug report says what ran)
    ran_with_schema: str = ""
    slurm_job_id: str = ""  # the Slurm job that holds or runs it (a queue bound to a partition)


class TaskCount(Table, table=True):
    """+1/-1 rows per project and status, appended by triggers (migration 0005); see core/counts.py."""

    __tablename__ = "task_count"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int
    status: str
    n: int


class TaskTag(Table, table=True):
    __tablename__ = "task_tag"
    task_id: str = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, index=True)


class Hyperparameter(Table, table=True):
    """One value of a section; `position` orders names and, by first use, sections."""

    __tablename__ = "hyperparameter"
    task_id: str = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    section: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    position: int = 0
    value: str = _text()
    type: str = ""
    description: str = _text()


class UserProperty(Table, table=True):
    __tablename__ = "user_property"
    task_id: str = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(primary_key=True)
    position: int = 0
    value: str = _text()
    description: str = _text()


class ConfigObject(Table, table=True):
    __tablename__ = "config_object"
    task_id: str = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(primary_key=True)
    position: int = 0
    value: str = _text()
    type: str = ""
    description: str = _text()


class Queue(Table, table=True):
    __tablename__ = "queue"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    created: datetime = Field(default_factory=utcnow)
    # A queue bound to an SSH host runs its tasks there (an alias of ~/.ssh/config); empty: on the worker's machine.
    ssh_host: str = ""
    remote_dir: str = ""  # the folder on that host holding mirrors, environments and runs
    gpus: str = ""  # "0,1": the host's GPUs, one task per GPU
    # A queue bound to a Slurm partition: its options as JSON (core/slurm.py); empty: not on Slurm.
    slurm: str = _text()


class QueueEntry(Table, table=True):
    """A pending task's place in a queue; the smallest position is taken first."""

    __tablename__ = "queue_entry"
    __table_args__ = (Index("ix_queue_entry_order", "queue_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = Field(foreign_key="queue.id", ondelete="CASCADE")
    task_id: str = Field(foreign_key="task.id", unique=True, ondelete="CASCADE")
    position: int
    enqueued: datetime = Field(default_factory=utcnow)


class Worker(Table, table=True):
    __tablename__ = "worker"
    id: str = Field(primary_key=True)
    host: str = ""
    pid: int | None = None
    slots: int = 1
    kind: str = "local"  # local, docker, tray
    paused: bool = False  # a paused worker takes no new work
    started: datetime = Field(default_factory=utcnow)
    last_heartbeat: datetime = Field(default_factory=utcnow, index=True)
    # Its own watchdog timeout (migration 0009): another worker's shorter setting cannot declare it lost.
    watchdog_timeout: float | None = None
    # The PostgreSQL login that registered it, set by the database (migration 0013): in a lab a worker login
    # beats, pauses and removes only its own workers, so it cannot make another's look lost. Empty on SQLite.
    login: str = ""


class WorkerQueue(Table, table=True):
    """Which queues a worker watches, in priority order."""

    __tablename__ = "worker_queue"
    worker_id: str = Field(foreign_key="worker.id", primary_key=True, ondelete="CASCADE")
    queue_name: str = Field(primary_key=True, index=True)
    priority: int = 0


class Model(Table, table=True):
    __tablename__ = "model"
    id: str = Field(primary_key=True)
    name: str
    project_id: int | None = Field(default=None, foreign_key="project.id")
    uri: str = ""
    framework: str = ""
    design: str = _text()
    labels: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    task_id: str | None = Field(default=None, index=True)  # the task that produced it
    size: int | None = Field(default=None, sa_type=BigInteger)  # as uploaded (migration 0008)
    hash: str = ""  # SHA-256 of the file as uploaded: checked on download, the key of a worker's model cache
    created: datetime = Field(default_factory=utcnow)


class ConsoleLine(Table, table=True):
    __tablename__ = "console_line"
    __table_args__ = (Index("ix_console_task", "task_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(foreign_key="task.id", ondelete="CASCADE")
    stream: str = "stdout"
    time: datetime = Field(default_factory=utcnow)
    text: str = _text()


class Scalar(Table, table=True):
    __tablename__ = "scalar"
    __table_args__ = (Index("ix_scalar_task", "task_id", "metric", "series", "iteration"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(foreign_key="task.id", ondelete="CASCADE")
    metric: str
    series: str
    iteration: int
    value: float
    time: datetime = Field(default_factory=utcnow)


class LastMetric(Table, table=True):
    """The last value of each metric/series, kept beside the scalars for the task table."""

    __tablename__ = "last_metric"
    task_id: str = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    metric: str = Field(primary_key=True)
    series: str = Field(primary_key=True)
    value: float
    iteration: int


class Artifact(Table, table=True):
    __tablename__ = "artifact"
    task_id: str = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(primary_key=True)
    uri: str = ""
    size: int | None = None
    hash: str = ""
    type: str = ""
    created: datetime = Field(default_factory=utcnow)


class ChangeRecord(Table, table=True):
    """A committed change, written in the same transaction, so other processes can follow it."""

    __tablename__ = "change_record"
    id: int | None = Field(default=None, primary_key=True)
    time: datetime = Field(default_factory=utcnow, index=True)
    origin: str = ""  # the writing process, so it can skip its own changes
    kind: str
    action: str
    ids: str = _text()  # space-separated


class TaskEvent(Table, table=True):
    """Who changed a task's status or definition, and when (migration 0010). No foreign key: a deleted task's
    events stay. On PostgreSQL only the database writes them (triggers, as the login that made the change)."""

    __tablename__ = "task_event"
    __table_args__ = (Index("ix_task_event_task", "task_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: str
    time: datetime = Field(default_factory=utcnow)
    actor: str = ""
    action: str  # a past tense: created, cloned, enqueued, aborted, reset, edited, started, completed...
    status: str = ""  # the task's status after the change


# Tables that belong to one task and go with it (cleared by reset, copied or not by clone).
TASK_RESULT_TABLES = (ConsoleLine, Scalar, LastMetric, Artifact)


class Sweep(Table, table=True):
    """An optimizer task's sweep (migration 0012): its definition as JSON and whether it may launch trials."""

    __tablename__ = "sweep"
    task_id: str = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    definition: str = _text()  # core/sweeps/definition.py's SweepDefinition as JSON
    state: str = "active"  # active, paused, stopped


class SweepTrial(Table, table=True):
    """A trial the sweep launched: written in the transaction that clones and enqueues it, so it is launched
    once and the running ones are counted from the database, also across a restart of the sweep."""

    __tablename__ = "sweep_trial"
    __table_args__ = (Index("ix_sweep_trial_number", "sweep_id", "number", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    sweep_id: str = Field(foreign_key="task.id", ondelete="CASCADE")
    number: int  # Optuna's trial number in the sweep's study
    task_id: str = Field(unique=True)  # no foreign key: a deleted trial task still counts against the budget
    params: str = _text()  # {"Args/lr": "0.01", ...} as JSON, the values given to the clone
    state: str = "running"  # running (its task pending or running), complete, failed, pruned
    objective: float | None = None


class SweepJournal(Table, table=True):
    """Optuna's journal of a sweep's study (its JournalStorage over our table): one row per operation."""

    __tablename__ = "sweep_journal"
    __table_args__ = (Index("ix_sweep_journal_sweep", "sweep_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    sweep_id: str = Field(foreign_key="task.id", ondelete="CASCADE")
    body: str = _text()  # one log entry as JSON
