"""A task's results: console lines, scalars with their last values, and artifacts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import col, select

from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.lookup import get_task
from tasktune_gui.core.models import Artifact, ConsoleLine, LastMetric, Scalar, Task, utcnow
from tasktune_gui.core.store import Store


@dataclass(frozen=True)
class LogLine:
    id: int
    time: datetime
    stream: str
    text: str


@dataclass(frozen=True)
class ScalarPoint:
    metric: str
    series: str
    iteration: int
    value: float
    time: datetime | None = field(default=None, compare=False)  # when it was reported; read back from the store


class ResultStore:
    """Writes results in batches (one transaction each) and reads them back in order."""

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def append_console(self, task_id: str, lines: Iterable[tuple[str, str]]) -> int:
        """Store (stream, text) lines; returns how many."""
        with self.store.write() as session:
            connection = session.connection()
            dialect = connection.dialect
            # The time as the column type stores it, converted once per batch instead of once per row.
            to_db = ConsoleLine.__table__.c.time.type.bind_processor(dialect)  # type: ignore[attr-defined]
            now = utcnow()
            stamp = to_db(now) if to_db else now
            rows = [(task_id, stream, text, stamp) for stream, text in lines]
            if not rows:
                return 0
            # Plain executemany at the driver: SQLAlchemy's per-row parameter handling would halve the rate
            # a task printing 100,000 lines per second needs.
            marker = "?" if dialect.paramstyle == "qmark" else "%s"
            connection.exec_driver_sql(
                f"INSERT INTO console_line (task_id, stream, text, time) VALUES ({', '.join([marker] * 4)})", rows
            )
            note(session, Change("task", "results", (task_id,)))
        return len(rows)

    def console(self, task_id: str, after: int = 0, limit: int = 10_000) -> list[LogLine]:
        """Lines with an id above `after`, oldest first: call again with the last id to follow."""
        with self.store.read() as session:
            task = get_task(session, task_id)
            # Plain rows, not ORM objects: building an object per line cost 50 µs, a page of lines half a second.
            rows = session.execute(
                select(ConsoleLine.id, ConsoleLine.time, ConsoleLine.stream, ConsoleLine.text)
                .where(ConsoleLine.task_id == task.id, col(ConsoleLine.id) > after)
                .order_by(col(ConsoleLine.id))
                .limit(limit)
            ).all()
            return [LogLine(row_id or 0, time, stream, text) for row_id, time, stream, text in rows]

    def console_texts(self, task_id: str, after: int = 0, limit: int = 10_000) -> list[tuple[int, str]]:
        """(id, text) of the lines above `after`: what a view shows, without the cost of reading their times."""
        with self.store.read() as session:
            rows = session.execute(
                select(ConsoleLine.id, ConsoleLine.text)
                .where(ConsoleLine.task_id == task_id, col(ConsoleLine.id) > after)
                .order_by(col(ConsoleLine.id))
                .limit(limit)
            ).all()
            return [(row_id or 0, text) for row_id, text in rows]

    def report_scalars(self, task_id: str, points: Iterable[ScalarPoint]) -> None:
        points = list(points)
        if not points:
            return
        now = utcnow()
        with self.store.write() as session:
            session.execute(
                insert(Scalar),
                [
                    {"task_id": task_id, "metric": p.metric, "series": p.series, "iteration": p.iteration,
                     "value": p.value, "time": p.time or now}
                    for p in points
                ],
            )
            last: dict[tuple[str, str], ScalarPoint] = {}
            for point in points:
                last[(point.metric, point.series)] = point
            for (metric, series), point in last.items():
                row = session.get(LastMetric, (task_id, metric, series))
                if row is None:
                    row = LastMetric(task_id=task_id, metric=metric, series=series, value=point.value,
                                     iteration=point.iteration)
                elif point.iteration >= row.iteration:
                    row.value, row.iteration = point.value, point.iteration
                session.add(row)
            top = max(p.iteration for p in points)
            session.execute(
                update(Task)
                .where(col(Task.id) == task_id)
                .where((col(Task.last_iteration).is_(None)) | (col(Task.last_iteration) < top))
                .values(last_iteration=top, last_update=now)
            )
            note(session, Change("task", "results", (task_id,)))

    def scalars(self, task_id: str) -> list[ScalarPoint]:
        with self.store.read() as session:
            rows = session.exec(
                select(Scalar).where(Scalar.task_id == task_id).order_by(col(Scalar.metric), col(Scalar.series),
                                                                         col(Scalar.iteration))
            ).all()
            return [ScalarPoint(r.metric, r.series, r.iteration, r.value, r.time) for r in rows]

    def add_artifact(self, task_id: str, artifact: Artifact) -> None:
        artifact.task_id = task_id
        with self.store.write() as session:
            session.merge(artifact)
            note(session, Change("task", "results", (task_id,)))

    def artifacts(self, task_id: str) -> list[Artifact]:
        with self.store.read() as session:
            return list(session.exec(select(Artifact).where(Artifact.task_id == task_id)).all())
