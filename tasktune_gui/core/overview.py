"""Read-only queries the window glances at: recent tasks, workers online, extra table columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import col, select

from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.models import Hyperparameter, LastMetric, Project, Task, TaskTag, Worker, utcnow
from tasktune_gui.core.store import Store
from tasktune_gui.core.summaries import WORKER_ONLINE_WINDOW, TaskBrief


@dataclass(frozen=True)
class ExtraColumn:
    """A column the user adds to the task table: a hyperparameter or the last value of a metric."""

    kind: str  # "param" or "metric"
    group: str  # section ("Args") or metric ("loss")
    name: str  # parameter name ("lr") or series ("train")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.group}/{self.name}"

    @property
    def title(self) -> str:
        return f"{self.group}/{self.name}" if self.kind == "param" else f"{self.group}/{self.name} (last)"

    @classmethod
    def parse(cls, kind: str, text: str) -> ExtraColumn:
        """'Args/lr' (param) or 'loss/train' (metric); one clear error for anything else."""
        group, slash, name = text.strip().partition("/")
        if kind not in ("param", "metric"):
            raise InvalidValue(f"'{kind}' is not a column kind (use param or metric)")
        if not slash or not group.strip() or not name.strip():
            example = "Args/lr" if kind == "param" else "loss/train"
            raise InvalidValue(f"'{text}' is not SECTION/NAME (for example {example})")
        return cls(kind, group.strip(), name.strip())

    @classmethod
    def from_key(cls, key: str) -> ExtraColumn:
        kind, _colon, text = key.partition(":")
        return cls.parse(kind, text)


class Overview:
    def __init__(self, store: Store) -> None:
        self.store = store

    def recent_tasks(self, limit: int = 10) -> list[TaskBrief]:
        """The tasks updated last, newest first (archived ones left out); one indexed range read."""
        with self.store.read() as session:
            rows = session.execute(  # five columns: more than sqlmodel's typed select takes
                sql_select(col(Task.id), col(Task.name), col(Project.name), col(Task.status), col(Task.last_update))
                .join(Project, col(Project.id) == col(Task.project_id))
                .where(col(Task.archived).is_(False))
                .order_by(col(Task.last_update).desc())
                .limit(limit)
            ).all()
            return [TaskBrief(*row) for row in rows]

    def project_names(self) -> list[str]:
        with self.store.read() as session:
            return list(session.exec(select(Project.name).order_by(col(Project.name))).all())

    def tags(self) -> list[str]:
        """Every tag in use, for the tag filter's completion (read from the tag index)."""
        with self.store.read() as session:
            return list(session.exec(select(TaskTag.tag).distinct().order_by(col(TaskTag.tag))).all())

    def workers_online(self, now: datetime | None = None) -> int:
        since = (now or utcnow()) - WORKER_ONLINE_WINDOW
        with self.store.read() as session:
            return int(session.exec(
                select(func.count()).select_from(Worker).where(col(Worker.last_heartbeat) >= since)).one())

    def column_values(self, task_ids: list[str], columns: list[ExtraColumn]) -> dict[tuple[str, str], str]:
        """(task id, column key) → value, for the page of rows a table shows; one query per column."""
        values: dict[tuple[str, str], str] = {}
        if not task_ids:
            return values
        with self.store.read() as session:
            for column in columns:
                if column.kind == "param":
                    rows = session.exec(
                        select(Hyperparameter.task_id, Hyperparameter.value).where(
                            col(Hyperparameter.task_id).in_(task_ids), Hyperparameter.section == column.group,
                            Hyperparameter.name == column.name)
                    ).all()
                    values.update({(task_id, column.key): value for task_id, value in rows})
                else:
                    metrics = session.exec(
                        select(LastMetric.task_id, LastMetric.value).where(
                            col(LastMetric.task_id).in_(task_ids), LastMetric.metric == column.group,
                            LastMetric.series == column.name)
                    ).all()
                    values.update({(task_id, column.key): f"{value:g}" for task_id, value in metrics})
        return values
