"""What the overview pages draw, as plain values: importable without SQLAlchemy, so a first glance needs none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tasktune_gui.core.slurm import SlurmOptions

# A worker that has not sent a heartbeat for this long no longer counts as watching.
WORKER_ONLINE_WINDOW = timedelta(seconds=30)


@dataclass(frozen=True)
class ProjectSummary:
    name: str
    counts: dict[str, int]  # status → number of (unarchived) tasks directly in it
    last_update: datetime


@dataclass(frozen=True)
class TaskBrief:
    id: str
    name: str
    project: str
    status: str
    last_update: datetime


@dataclass(frozen=True)
class QueueSummary:
    name: str
    pending: int
    workers: int
    ssh_host: str = ""  # empty: its tasks run on the worker's own machine
    remote_dir: str = ""
    gpus: str = ""
    slurm: SlurmOptions | None = None  # its tasks run as jobs on this Slurm partition


@dataclass(frozen=True)
class Overview:
    """All the dashboard and projects pages draw, read in one go off the GUI thread."""

    summaries: list[ProjectSummary]
    recent_tasks: list[TaskBrief]
    queues: list[QueueSummary]
    workers_online: int
    tags: list[str]
