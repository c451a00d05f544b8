"""Finding records inside a session: tasks by id or unique prefix, projects by name, queues."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tasktune_gui.core.errors import InvalidValue, ProjectNotFound, QueueNotFound, TaskNotFound
from tasktune_gui.core.events import Change, note
from tasktune_gui.core.models import Project, Queue, Task, utcnow
from tasktune_gui.core.value_checks import check_label

MIN_PREFIX = 4


def get_task(session: Session, task_id: str) -> Task:
    """The task with this id, or with this unique id prefix (at least four characters)."""
    task = session.get(Task, task_id)
    if task is not None:
        return task
    if len(task_id) >= MIN_PREFIX and task_id.isalnum():
        # A range scan on the primary key: as fast as an exact lookup.
        matches = session.exec(
            select(Task).where(col(Task.id) >= task_id, col(Task.id) < task_id + "~").limit(2)
        ).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise TaskNotFound(task_id, " (several tasks start with it; give more of the id)")
    elif task_id.isalnum():
        raise TaskNotFound(task_id, f" (a shortened id needs at least {MIN_PREFIX} characters)")
    raise TaskNotFound(task_id)


def normalize_project_name(name: str) -> str:
    check_label(name, "project name")
    parts = [part.strip() for part in name.strip().strip("/").split("/")]
    if not name.strip() or any(not part for part in parts):
        raise InvalidValue(f"'{name}' is not a project name (use names like 'vision' or 'vision/detection')")
    return "/".join(parts)


def get_project(session: Session, name: str) -> Project:
    project = session.exec(select(Project).where(Project.name == normalize_project_name(name))).first()
    if project is None:
        raise ProjectNotFound(name)
    return project


def ensure_project(session: Session, name: str) -> Project:
    """The project named so, created with its parents ("a/b" makes "a" too) when missing."""
    full = normalize_project_name(name)
    parts = full.split("/")
    project: Project | None = None
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        project = session.exec(select(Project).where(Project.name == path)).first()
        if project is None:
            project = Project(name=path)
            session.add(project)
            session.flush()
            note(session, Change("project", "created", (path,)))
    assert project is not None
    return project


def project_name(session: Session, project_id: int) -> str:
    project = session.get(Project, project_id)
    return project.name if project else ""


def queue_names(session: Session) -> list[str]:
    return list(session.exec(select(Queue.name).order_by(Queue.name)).all())


def get_queue(session: Session, name: str) -> Queue:
    queue = session.exec(select(Queue).where(Queue.name == name)).first()
    if queue is None:
        raise QueueNotFound(name, queue_names(session))
    return queue


def touch_project(session: Session, project_id: int) -> None:
    project = session.get(Project, project_id)
    if project is not None:
        project.last_update = utcnow()
        session.add(project)


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with ESCAPE '\\': a typed % or _ matches itself, not any text or any character."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
