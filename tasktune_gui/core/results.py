"""A task's results: console lines, scalars with their last values, and artifacts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, update
from sqlmodel import Session, col, select

from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.lookup import get_task
from tasktune_gui.core.models import Artifact, ConsoleLine, LastMetric, Scalar, Task, utcnow
from tasktune_gui.core.records import id_chunks
from tasktune_gui.core.store import Store

SETUP_STREAM = "setup"  # a worker's lines about a run's setup, beside the task's own stdout and stderr


def _db_stamp(connection: Connection, at: datetime) -> Any:
    """The time as the column type stores it (converted once per batch instead of once per row)."""
    # The dialect's own processor (SQLite's turns the time into text): the generic one hands sqlite3 a datetime,
    # whose default adapter is deprecated since Python 3.12.
    column_type = ConsoleLine.__table__.c.time.type  # type: ignore[attr-defined]
    to_db = column_type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return to_db(at) if to_db else at


def _marker(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def insert_console(session: Session, task_id: str, lines: Iterable[tuple[str, str]], at: datetime) -> int:
    """Console lines stamped `at`, in the caller's transaction; how many."""
    connection = session.connection()
    stamp = _db_stamp(connection, at)
    rows = [(task_id, stream, text, stamp) for stream, text in lines]
    if not rows:
        return 0
    # Plain executemany at the driver: SQLAlchemy's per-row parameter handling keeps the store below the rate a
    # task printing as fast as it can needs.
    marker = _marker(connection)
    connection.exec_driver_sql(
        f"INSERT INTO console_line (task_id, stream, text, time) VALUES ({', '.join([marker] * 4)})", rows)
    note(session, Change("task", "results", (task_id,)))
    return len(rows)


@dataclass(frozen=True)
class ClosingLines:
    """A run's last console lines, written with its final status (one transaction): stamped once, so a retry
    after a lost answer can ask whether they went in."""

    at: datetime
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LogLine:
    id: int
    time: datetime
    stream: str
    text: str


ScalarRow = tuple[str, str, int, float, float]  # metric, series, iteration, value, seconds since the epoch


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

    def append_console(self, task_id: str, lines: Iterable[tuple[str, str]], at: datetime | None = None) -> int:
        """Store (stream, text) lines stamped `at` (default now); returns how many.

        A caller that retries after a lost connection passes the same `at` and asks `console_batch_stored`
        first, so a batch whose commit did reach the server is not written twice.
        """
        with self.store.write() as session:
            return insert_console(session, task_id, lines, at or utcnow())

    def console_batch_stored(self, task_id: str, at: datetime, count: int) -> bool:
        """Whether a batch of `count` lines stamped `at` is in the database (one transaction wrote it whole)."""
        with self.store.read() as session:
            connection = session.connection()
            marker = _marker(connection)
            found = connection.exec_driver_sql(
                f"SELECT count(*) FROM console_line WHERE task_id = {marker} AND time = {marker}",
                (task_id, _db_stamp(connection, at)),
            ).scalar_one()
        return int(found) >= count > 0

    def console(self, task_id: str, after: int = 0, limit: int = 10_000, setup: bool = False) -> list[LogLine]:
        """Lines with an id above `after`, oldest first: call again with the last id to follow. The worker's
        own lines about the run's setup (stream SETUP_STREAM) only with `setup`: by default, what the task wrote."""
        with self.store.read() as session:
            task = get_task(session, task_id)
            # Plain rows, not ORM objects: a page holds thousands of lines, and an object each makes it slow.
            statement = (
                select(ConsoleLine.id, ConsoleLine.time, ConsoleLine.stream, ConsoleLine.text)
                .where(ConsoleLine.task_id == task.id, col(ConsoleLine.id) > after)
            )
            if not setup:
                statement = statement.where(ConsoleLine.stream != SETUP_STREAM)
            rows = session.execute(statement.order_by(col(ConsoleLine.id)).limit(limit)).all()
            return [LogLine(row_id or 0, time, stream, text) for row_id, time, stream, text in rows]

    def console_texts(self, task_id: str, after: int = 0, limit: int = 10_000) -> list[tuple[int, str]]:
        """(id, text) of the lines above `after`, the setup's too: what a view shows, without reading their times."""
        with self.store.read() as session:
            rows = session.execute(
                select(ConsoleLine.id, ConsoleLine.text)
                .where(ConsoleLine.task_id == task_id, col(ConsoleLine.id) > after)
                .order_by(col(ConsoleLine.id))
                .limit(limit)
            ).all()
            return [(row_id or 0, text) for row_id, text in rows]

    def console_tail_start(self, task_id: str, keep: int) -> int:
        """The id after which the last `keep` lines begin (0 when there are fewer): a view starts there."""
        with self.store.read() as session:
            row = session.execute(
                select(ConsoleLine.id).where(ConsoleLine.task_id == task_id)
                .order_by(col(ConsoleLine.id).desc()).offset(keep).limit(1)
            ).first()
            return int(row[0]) if row else 0

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

    def scalars_of(self, task_ids: Sequence[str]) -> dict[str, list[ScalarRow]]:
        """The scalars of many tasks (Compare) in one query per CHUNK tasks, ordered as `scalars` orders them; every
        id is a key, [] when it has none. Plain tuples with the time in seconds since the epoch, read at the driver:
        ten tasks of five metrics hold 50,000 points, and SQLAlchemy's per-row processing tripled the time."""
        found: dict[str, list[ScalarRow]] = {task_id: [] for task_id in task_ids}
        with self.store.read() as session:
            connection = session.connection()
            marker = _marker(connection)
            # The database turns its stored time into seconds: SQLite keeps it as UTC text (julianday's days are
            # exact to about 50 µs: rounded to the millisecond, whole seconds stay whole), PostgreSQL as a timestamp.
            seconds = ("extract(epoch from time)" if connection.dialect.name == "postgresql"
                       else "round((julianday(time) - 2440587.5) * 86400.0, 3)")
            for chunk in id_chunks(list(found)):
                rows = connection.exec_driver_sql(
                    f"SELECT task_id, metric, series, iteration, value, {seconds} FROM scalar "
                    f"WHERE task_id IN ({', '.join([marker] * len(chunk))}) "
                    "ORDER BY task_id, metric, series, iteration", tuple(chunk)).all()
                for task_id, metric, series, iteration, value, at in rows:
                    found[task_id].append((metric, series, iteration, value, float(at or 0.0)))
        return found

    def add_artifact(self, task_id: str, artifact: Artifact) -> None:
        artifact.task_id = task_id
        with self.store.write() as session:
            session.merge(artifact)
            note(session, Change("task", "results", (task_id,)))

    def artifacts(self, task_id: str) -> list[Artifact]:
        with self.store.read() as session:
            return list(session.exec(select(Artifact).where(Artifact.task_id == task_id)).all())
