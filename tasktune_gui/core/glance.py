"""A first glance at a SQLite file with the standard library alone: the dashboard is drawn with its data
while SQLAlchemy and the tables load (about half a second) on another thread."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from tasktune_gui.core.migrate import HEAD
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.core.summaries import WORKER_ONLINE_WINDOW, Overview, ProjectSummary, QueueSummary, TaskBrief

RECENT_TASKS = 10
PREFIX = "sqlite:///"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///PATH` URL; None for any other database or a URL with options."""
    if not url.startswith(PREFIX) or "?" in url:
        return None
    path = url[len(PREFIX):]
    return Path(path) if path and path != ":memory:" else None


def glance(url: str, now: datetime | None = None) -> Overview | None:
    """What the dashboard shows, read without writing anything; None when this is not an up-to-date TaskTune
    SQLite file (the core's own open then says why, migrates or seeds)."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        return _read(connection, now or datetime.now(UTC))
    except sqlite3.Error:  # not ours, an older schema, locked: the core's open says what it is
        return None
    finally:
        connection.close()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)  # stored as UTC without its zone


def _read(connection: sqlite3.Connection, now: datetime) -> Overview | None:
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None or revision[0] != HEAD:
        return None
    counts: dict[int, dict[str, int]] = {}
    for project_id, status, number in connection.execute(
            "SELECT project_id, status, SUM(n) FROM task_count GROUP BY project_id, status"):
        if number:
            counts.setdefault(project_id, {})[status] = int(number)
    summaries = [ProjectSummary(name, counts.get(project_id, {}), _time(last_update))
                 for project_id, name, last_update in connection.execute(
                     "SELECT id, name, last_update FROM project ORDER BY name")]
    recent = [TaskBrief(task_id, name, project, status, _time(last_update))
              for task_id, name, project, status, last_update in connection.execute(
                  "SELECT task.id, task.name, project.name, task.status, task.last_update FROM task "
                  "JOIN project ON project.id = task.project_id WHERE task.archived = 0 "
                  "ORDER BY task.last_update DESC LIMIT ?", (RECENT_TASKS,))]
    since = (now - WORKER_ONLINE_WINDOW).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    pending = dict(connection.execute("SELECT queue_id, COUNT(*) FROM queue_entry GROUP BY queue_id").fetchall())
    watching = dict(connection.execute(
        "SELECT worker_queue.queue_name, COUNT(*) FROM worker_queue JOIN worker ON worker.id = worker_queue.worker_id "
        "WHERE worker.last_heartbeat >= ? GROUP BY worker_queue.queue_name", (since,)).fetchall())
    queues = [QueueSummary(name, pending.get(queue_id, 0), watching.get(name, 0), ssh_host, remote_dir, gpus,
                           SlurmOptions.from_json(slurm))
              for queue_id, name, ssh_host, remote_dir, gpus, slurm in connection.execute(
                  "SELECT id, name, ssh_host, remote_dir, gpus, slurm FROM queue ORDER BY name")]
    online = connection.execute("SELECT COUNT(*) FROM worker WHERE last_heartbeat >= ?", (since,)).fetchone()[0]
    tags = [tag for (tag,) in connection.execute("SELECT DISTINCT tag FROM task_tag ORDER BY tag")]
    return Overview(summaries, recent, queues, int(online), tags)
