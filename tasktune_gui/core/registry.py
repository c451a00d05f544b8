"""Projects, models and workers: the records around tasks."""

from __future__ import annotations

import builtins
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, col, select

from tasktune_gui.core.counts import COMPACT_AT, compact, read_counts
from tasktune_gui.core.errors import InvalidValue, ModelNotFound, TaskTuneError
from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.ids import new_id
from tasktune_gui.core.lookup import ensure_project, like_pattern, normalize_project_name, project_name
from tasktune_gui.core.models import Model, Project, Worker, WorkerQueue, utcnow
from tasktune_gui.core.store import Store
from tasktune_gui.core.summaries import ProjectSummary

log = logging.getLogger(__name__)


class ProjectService:
    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def create(self, name: str, description: str = "") -> Project:
        full = normalize_project_name(name)
        with self.store.write() as session:
            if session.exec(select(Project).where(Project.name == full)).first() is not None:
                raise TaskTuneError(f"a project named '{full}' already exists")
            project = ensure_project(session, full)
            project.description = description
            session.add(project)
        return project

    def summaries(self) -> list[ProjectSummary]:
        """Each project with its unarchived tasks counted by status (kept counts: a few rows for any number)."""
        with self.store.read() as session:
            counts, rows = read_counts(session)
            projects = session.exec(select(Project).order_by(col(Project.name))).all()
            summaries = [ProjectSummary(p.name, counts.get(p.id or 0, {}), p.last_update) for p in projects]
        if rows > COMPACT_AT:
            try:
                compact(self.store)
            except (OperationalError, DatabaseError) as exc:  # a read-only file, a busy or lost server: next time
                log.info("task counts not compacted: %s", exc)
        return summaries


class ModelRegistry:
    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def create(self, name: str, project: str | None = None, uri: str = "", framework: str = "",
               design: str = "", labels: dict[str, int] | None = None, task_id: str | None = None,
               size: int | None = None, hash: str = "") -> str:
        if not name.strip():
            raise InvalidValue("a model needs a name")
        with self.store.write() as session:
            model = Model(id=new_id(), name=name.strip(), uri=uri, framework=framework, design=design,
                          labels=labels or {}, task_id=task_id, size=size, hash=hash)
            if project:
                model.project_id = ensure_project(session, project).id
            session.add(model)
            created = model.id
            note(session, Change("model", "created", (created,)))
        return created

    def get(self, model_id: str) -> Model:
        with self.store.read() as session:
            model = session.get(Model, model_id)
            if model is None:
                raise ModelNotFound(model_id)
            return model

    def project_of(self, model_id: str) -> str:
        """The name of the project a model belongs to ('' when none)."""
        with self.store.read() as session:
            model = self._get(session, model_id)
            return project_name(session, model.project_id) if model.project_id else ""

    def list(self, project: str | None = None) -> list[tuple[Model, str]]:
        with self.store.read() as session:
            statement = select(Model).order_by(col(Model.created).desc())
            if project:
                ids = select(Project.id).where(Project.name == normalize_project_name(project))
                statement = statement.where(col(Model.project_id).in_(ids))
            models = session.exec(statement).all()
            return [(m, project_name(session, m.project_id) if m.project_id else "") for m in models]

    # The model table and the model page.

    def query(self, project: str | None = None, search: str = "", order_by: str = "created",
              descending: bool = True, limit: int | None = None, offset: int = 0) -> builtins.list[tuple[Model, str]]:
        """A page of models with their project names, filtered and sorted in the database."""
        with self.store.read() as session:
            column = getattr(Model, order_by if order_by in MODEL_SORTABLE else "created")
            statement = _model_filter(select(Model, Project.name).outerjoin(
                Project, col(Project.id) == col(Model.project_id)), project, search)
            order = col(column).desc() if descending else col(column).asc()
            tie = col(Model.id).desc() if descending else col(Model.id).asc()
            rows = session.exec(statement.order_by(order, tie).offset(offset).limit(limit)).all()
            return [(model, name or "") for model, name in rows]

    def count(self, project: str | None = None, search: str = "") -> int:
        with self.store.read() as session:
            statement = _model_filter(select(func.count()).select_from(Model).outerjoin(
                Project, col(Project.id) == col(Model.project_id)), project, search)
            return int(session.exec(statement).one())

    def update(self, model_id: str, *, name: str | None = None, design: str | None = None,
               framework: str | None = None, uri: str | None = None) -> None:
        """Change a model's general fields or its design text (the NETWORK tab); a name cannot be empty."""
        if name is not None and not name.strip():
            raise InvalidValue("a model needs a name")
        with self.store.write() as session:
            model = self._get(session, model_id)
            for field, value in (("name", name and name.strip()), ("design", design), ("framework", framework),
                                 ("uri", uri)):
                if value is not None:
                    setattr(model, field, value)
            session.add(model)
            note(session, Change("model", "updated", (model_id,)))

    def set_labels(self, model_id: str, labels: dict[str, Any] | builtins.list[tuple[str, Any]]) -> None:
        """Replace the label → id table; names must be non-empty and distinct, ids distinct integers >= 0."""
        checked = validate_labels(labels)
        with self.store.write() as session:
            model = self._get(session, model_id)
            model.labels = checked
            session.add(model)
            note(session, Change("model", "updated", (model_id,)))

    def _get(self, session: Session, model_id: str) -> Model:
        model = session.get(Model, model_id)
        if model is None:
            raise ModelNotFound(model_id)
        return model


MODEL_SORTABLE = ("name", "framework", "created", "uri", "id")


def _model_filter(statement: Any, project: str | None, search: str) -> Any:
    if project:
        full = normalize_project_name(project)
        statement = statement.where((col(Project.name) == full)
                                    | col(Project.name).startswith(full + "/", autoescape=True))
    if search.strip():
        needle = search.strip()
        statement = statement.where(col(Model.name).ilike(like_pattern(needle), escape="\\")
                                    | col(Model.id).startswith(needle.lower(), autoescape=True))
    return statement


def validate_labels(labels: dict[str, Any] | list[tuple[str, Any]]) -> dict[str, int]:
    """Labels as a model keeps them, or one clear error naming the bad entry (pairs may repeat a name)."""
    checked: dict[str, int] = {}
    for name, value in labels.items() if isinstance(labels, dict) else labels:
        label = str(name).strip()
        if not label:
            raise InvalidValue("a label needs a name")
        if label in checked:
            raise InvalidValue(f"label '{label}' appears twice")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise InvalidValue(f"label '{label}': '{value}' is not an integer id") from None
        if number < 0:
            raise InvalidValue(f"label '{label}': the id must be 0 or more, not {number}")
        if number in checked.values():
            other = next(k for k, v in checked.items() if v == number)
            raise InvalidValue(f"labels '{other}' and '{label}' both have id {number}")
        checked[label] = number
    return checked


class WorkerRegistry:
    """Workers announce themselves, their queues and a heartbeat; a window counts who is online."""

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def register(self, host: str, pid: int, queues: list[str], slots: int = 1, worker_id: str | None = None,
                 kind: str = "local", watchdog_timeout: float | None = None) -> str:
        worker_id = worker_id or f"{host}:{pid}:{new_id()[:6]}"
        with self.store.write() as session:
            session.merge(Worker(id=worker_id, host=host, pid=pid, slots=slots, kind=kind,
                                 watchdog_timeout=watchdog_timeout))
            session.flush()
            self._stamp(session, worker_id)
            session.execute(delete(WorkerQueue).where(col(WorkerQueue.worker_id) == worker_id))
            for priority, name in enumerate(queues):
                session.add(WorkerQueue(worker_id=worker_id, queue_name=name, priority=priority))
            note(session, Change("worker", "created", (worker_id,)))
        return worker_id

    def heartbeat(self, worker_id: str) -> bool:
        """Record that the worker is alive; whether it is paused (someone may have paused it from elsewhere)."""
        with self.store.write() as session:
            if not self._stamp(session, worker_id):
                return False
            paused = session.exec(select(Worker.paused).where(col(Worker.id) == worker_id)).first()
            return bool(paused)

    def _stamp(self, session: Session, worker_id: str) -> bool:
        """The heartbeat in the database's time: one machine's wrong clock cannot make its worker look lost."""
        now = func.now() if self.store.dialect == "postgresql" else utcnow()
        stamped = session.execute(update(Worker).where(col(Worker.id) == worker_id).values(last_heartbeat=now))
        return bool(stamped.rowcount)  # type: ignore[attr-defined]

    def database_now(self) -> datetime:
        """The clock heartbeats are stamped with: the server's on PostgreSQL, this machine's on SQLite."""
        if self.store.dialect != "postgresql":
            return utcnow()
        with self.store.read() as session:
            now: datetime = session.execute(select(func.now())).scalar_one()
        return now

    def set_paused(self, worker_id: str, paused: bool) -> None:
        """A paused worker finishes what it runs but takes no new task until resumed."""
        with self.store.write() as session:
            worker = session.get(Worker, worker_id)
            if worker is None:
                raise TaskTuneError(f"no worker '{worker_id}' is registered")
            worker.paused = paused
            session.add(worker)
            note(session, Change("worker", "updated", (worker_id,)))

    def is_paused(self, worker_id: str) -> bool:
        with self.store.read() as session:
            worker = session.get(Worker, worker_id)
            return worker is not None and worker.paused

    def unregister(self, worker_id: str) -> None:
        with self.store.write() as session:
            session.execute(delete(WorkerQueue).where(col(WorkerQueue.worker_id) == worker_id))
            session.execute(delete(Worker).where(col(Worker.id) == worker_id))
            note(session, Change("worker", "deleted", (worker_id,)))

    def online(self, since: datetime) -> list[Worker]:
        with self.store.read() as session:
            return list(session.exec(select(Worker).where(col(Worker.last_heartbeat) >= since)).all())
