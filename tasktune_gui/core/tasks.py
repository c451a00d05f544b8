"""Creating, cloning and finding tasks, and the metadata edits allowed in every status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, literal
from sqlmodel import Session, col, func, select

from tasktune_gui.core.editing import EXECUTION_FIELDS
from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.history import recorded
from tasktune_gui.core.ids import new_id
from tasktune_gui.core.lifecycle import enqueue_in
from tasktune_gui.core.lookup import ensure_project, get_project, get_queue, get_task, like_pattern, touch_project
from tasktune_gui.core.models import ConfigObject, Hyperparameter, Project, Task, TaskTag, UserProperty, utcnow
from tasktune_gui.core.permissions import check, check_create
from tasktune_gui.core.queues import DEFAULT_QUEUE
from tasktune_gui.core.status import Operation, Status, TaskType
from tasktune_gui.core.store import Store
from tasktune_gui.core.users import acting_user
from tasktune_gui.core.value_checks import check_label

# What a clone copies from its source (REFERENCE §1); results, runtime and queue are left behind.
CLONED_FIELDS = ("type", "description", *sorted(EXECUTION_FIELDS), "original_requirements", "container_use_image_env",
                 "input_model_id", "labels")
# Tables keyed by task whose rows a clone copies as they are.
CLONED_TABLES: tuple[Any, ...] = (Hyperparameter, UserProperty, ConfigObject, TaskTag)

HEX_DIGITS = frozenset("0123456789abcdef")
SORTABLE = ("name", "type", "status", "created", "started", "completed", "last_update", "last_iteration", "user", "id")


def validate_task_type(value: str) -> str:
    try:
        return TaskType(value).value
    except ValueError:
        names = ", ".join(t.value for t in TaskType)
        raise InvalidValue(f"'{value}' is not a task type (use one of {names})") from None


@dataclass
class TaskQuery:
    """What the task table and `list` ask for; filtering and sorting run in the database."""

    project: str | None = None
    include_subprojects: bool = True
    statuses: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    search: str = ""
    archived: bool = False
    order_by: str = "last_update"
    descending: bool = True
    limit: int | None = None
    offset: int = 0


def copy_rows(session: Session, table: Any, source_id: str, target_id: str) -> None:
    """INSERT ... SELECT of one task's rows under a new task id, all in the database."""
    columns = [c for c in table.__table__.columns if c.name != "task_id"]
    source = select(literal(target_id), *columns).where(table.task_id == source_id)
    session.execute(insert(table).from_select(["task_id", *[c.name for c in columns]], source))


class TaskService:
    """Tasks as records: create, clone, find, and the edits allowed in every status."""

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def get(self, task_id: str) -> Task:
        with self.store.read() as session:
            return get_task(session, task_id)

    def statuses(self, task_ids: list[str]) -> list[Any]:
        """(id, name, status, status_reason, status_message, completed) of the tasks that exist, in one query."""
        with self.store.read() as session:
            return list(session.exec(select(  # type: ignore[call-overload]
                Task.id, Task.name, Task.status, Task.status_reason, Task.status_message, Task.completed
            ).where(col(Task.id).in_(task_ids))).all())

    def add(self, task: Task, project: str, queue: str | None = None, **parts: Any) -> str:
        """Store a new task (with hyperparameters, properties, configs, tags) and optionally enqueue it."""
        task.name = check_label(task.name, "task name")
        check_create(self.store.identity)
        with self.store.write() as session:
            task.project_id = ensure_project(session, project).id  # type: ignore[assignment]
            task.id = task.id or new_id()
            task.type = validate_task_type(task.type)
            # In a lab the login is the owner: the database refuses a task a researcher makes for someone else.
            task.user = task.user if task.user and self.store.identity.may_do_anything else acting_user(session)
            if queue is not None:
                get_queue(session, queue)  # refuse an unknown queue before anything is written
            with recorded(session, task, "created"):
                session.add(task)
                session.flush()
                write_parts(session, task.id, **parts)
            touch_project(session, task.project_id)
            if queue is not None:
                with recorded(session, task, "enqueued"):
                    enqueue_in(session, task, queue or DEFAULT_QUEUE, Operation.ENQUEUE)
            created = task.id
            note(session, Change("task", "created", (created,)))
        return created

    def clone(
        self, task_id: str, project: str | None = None, name: str | None = None, description: str | None = None
    ) -> str:
        """A new Draft copying what REFERENCE §1 lists; its parent is the source."""
        if name is not None:
            name = check_label(name, "task name")
        check_create(self.store.identity)
        with self.store.write() as session:
            source = get_task(session, task_id)
            target_project = ensure_project(session, project).id if project else source.project_id
            assert target_project is not None
            clone = Task(
                id=new_id(),
                name=name or f"Clone Of {source.name}",
                project_id=target_project,
                parent_id=source.id,
                user=acting_user(session),
                status=Status.DRAFT,
                **{f: getattr(source, f) for f in CLONED_FIELDS},
            )
            if description is not None:
                clone.description = description
            with recorded(session, clone, "cloned"):
                session.add(clone)
                session.flush()
                for table in CLONED_TABLES:
                    copy_rows(session, table, source.id, clone.id)
            touch_project(session, target_project)
            created = clone.id
            note(session, Change("task", "created", (created,)))
        return created

    # Metadata: editable in every status.

    def rename(self, task_id: str, name: str) -> None:
        if not name.strip():
            raise InvalidValue("a task name cannot be empty")
        self._update(task_id, name=check_label(name, "task name"))

    def describe(self, task_id: str, description: str) -> None:
        self._update(task_id, description=description)

    def set_type(self, task_id: str, task_type: str) -> None:
        self._update(task_id, type=validate_task_type(task_type))

    def move(self, task_id: str, project: str) -> None:
        with self.store.write() as session:
            task = self._editable(session, task_id, "move")
            with recorded(session, task, "moved"):
                task.project_id = ensure_project(session, project).id  # type: ignore[assignment]
                task.last_update = utcnow()
                session.add(task)
                session.flush()
            touch_project(session, task.project_id)
            note(session, Change("task", "updated", (task.id,)))

    def add_tags(self, task_id: str, tags: list[str]) -> None:
        if not tags:
            raise InvalidValue("give at least one tag")
        if any(not tag.strip() for tag in tags):
            raise InvalidValue("a tag cannot be empty")
        clean = [check_label(tag, "tag") for tag in tags]
        with self.store.write() as session:
            task = self._editable(session, task_id, "tag")
            have = set(session.exec(select(TaskTag.tag).where(TaskTag.task_id == task.id)).all())
            with recorded(session, task, "tagged"):
                for tag in dict.fromkeys(clean):
                    if tag not in have:
                        session.add(TaskTag(task_id=task.id, tag=tag))
                task.last_update = utcnow()
                session.add(task)
                session.flush()
            note(session, Change("task", "updated", (task.id,)))

    def remove_tags(self, task_id: str, tags: list[str]) -> None:
        with self.store.write() as session:
            task = self._editable(session, task_id, "tag")
            with recorded(session, task, "tagged"):
                for row in session.exec(select(TaskTag).where(TaskTag.task_id == task.id)).all():
                    if row.tag in tags:
                        session.delete(row)
                task.last_update = utcnow()
                session.add(task)
                session.flush()
            note(session, Change("task", "updated", (task.id,)))

    def _update(self, task_id: str, **values: Any) -> None:
        with self.store.write() as session:
            task = self._editable(session, task_id, "edit")
            with recorded(session, task, "edited"):
                for name, value in values.items():
                    setattr(task, name, value)
                task.last_update = utcnow()
                session.add(task)
                session.flush()
            note(session, Change("task", "updated", (task.id,)))

    def _editable(self, session: Session, task_id: str, action: str) -> Task:
        """The task, if the acting user's lab role lets them `action` it."""
        task = get_task(session, task_id)
        check(self.store.identity, task.user, action, task.id)
        return task

    # Queries.

    def query(self, query: TaskQuery) -> list[Task]:
        with self.store.read() as session:
            statement = self._filtered(session, select(Task), query)
            column = getattr(Task, query.order_by if query.order_by in SORTABLE else "last_update")
            order = col(column).desc() if query.descending else col(column).asc()
            tie = col(Task.id).desc() if query.descending else col(Task.id).asc()
            statement = statement.order_by(order, tie).offset(query.offset).limit(query.limit)
            return list(session.exec(statement).all())

    def count(self, query: TaskQuery) -> int:
        with self.store.read() as session:
            statement = self._filtered(session, select(func.count()).select_from(Task), query)
            return int(session.exec(statement).one())

    def _filtered(self, session: Session, statement: Any, query: TaskQuery) -> Any:
        statement = statement.where(col(Task.archived) == query.archived)
        if query.project:
            project = get_project(session, query.project)
            ids = [project.id]
            if query.include_subprojects:
                ids = list(session.exec(select(Project.id).where(
                    (col(Project.name) == project.name)
                    | col(Project.name).startswith(project.name + "/", autoescape=True)
                )).all())
            # The ids as values, not a subquery: SQLite then sees how few projects match and reads the project
            # indexes (with a subquery it walks the whole table in update order).
            if len(ids) == 1:
                statement = statement.where(col(Task.project_id) == ids[0])
            else:
                statement = statement.where(col(Task.project_id).in_(ids))
        if query.statuses:
            statement = statement.where(col(Task.status).in_(query.statuses))
        if query.types:
            statement = statement.where(col(Task.type).in_(query.types))
        if query.users:
            statement = statement.where(col(Task.user).in_(query.users))
        if query.tags:
            tagged = select(TaskTag.task_id).where(col(TaskTag.tag).in_(query.tags))
            statement = statement.where(col(Task.id).in_(tagged))
        if query.search:
            needle = query.search.strip()
            matches: Any = col(Task.name).ilike(like_pattern(needle), escape="\\")
            # Ids are hex: only a hex needle can start one. Leaving the id out otherwise lets the name index
            # answer alone.
            if all(c in HEX_DIGITS for c in needle.lower()):
                matches = matches | col(Task.id).startswith(needle.lower())
            statement = statement.where(matches)
        return statement


def write_parts(
    session: Session,
    task_id: str,
    hyperparameters: dict[str, dict[str, dict[str, str]]] | None = None,
    user_properties: dict[str, dict[str, str]] | None = None,
    configuration: dict[str, dict[str, str]] | None = None,
    tags: list[str] | None = None,
) -> None:
    """Insert the ordered parts of a new task: sections → names → {value, type, description}."""
    position = 0
    for section, names in (hyperparameters or {}).items():
        for name, spec in names.items():
            session.add(Hyperparameter(task_id=task_id, section=section, name=name, position=position, **spec))
            position += 1
    for index, (name, spec) in enumerate((user_properties or {}).items()):
        session.add(UserProperty(task_id=task_id, name=name, position=index, **spec))
    for index, (name, spec) in enumerate((configuration or {}).items()):
        session.add(ConfigObject(task_id=task_id, name=name, position=index, **spec))
    for tag in dict.fromkeys(tags or []):
        session.add(TaskTag(task_id=task_id, tag=tag))
