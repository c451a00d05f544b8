"""Which queues run on an SSH host, and where the researcher's SSH settings are (no asyncssh needed to know)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam
from sqlalchemy import select as table_select
from sqlmodel import Session, col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Queue

DEFAULT_REMOTE_DIR = ".tasktune"


def _default_config() -> list[Path]:
    path = Path("~/.ssh/config").expanduser()
    return [path] if path.is_file() else []


@dataclass(frozen=True)
class SshOptions:
    """Where the researcher's SSH settings are; tests pass their own files instead of ~/.ssh."""

    config_files: list[Path] = field(default_factory=_default_config)
    known_hosts: list[Path] | None = None  # None: UserKnownHostsFile of the alias, else ~/.ssh/known_hosts
    reconnect_for_s: float = 3600.0  # how long a dropped connection is retried before the task fails
    backoff_max_s: float = 5.0
    host_cache_max_bytes: int | None = 50 * 1024**3  # commit trees and environments on each host; None: no limit


@dataclass(frozen=True)
class Binding:
    """A queue bound to an SSH host: the alias, the folder there, its GPUs."""

    host: str
    remote_dir: str
    gpus: str

    @property
    def base(self) -> str:
        # SFTP and the remote command both start in the home folder, so a relative path is the same for both.
        folder = self.remote_dir.strip() or DEFAULT_REMOTE_DIR
        return folder[2:] if folder.startswith("~/") else folder


_QUEUES = Queue.__table__  # type: ignore[attr-defined]
_QUEUE_HOST = table_select(_QUEUES.c.ssh_host, _QUEUES.c.remote_dir, _QUEUES.c.gpus).where(
    _QUEUES.c.name == bindparam("queue")
)  # built once: read for every task a worker runs


def binding_in(session: Session, queue_name: str | None) -> Binding | None:
    """The SSH host of the queue a task was taken from; None for a queue that runs on the worker's machine."""
    row = session.connection().execute(_QUEUE_HOST, {"queue": queue_name}).first() if queue_name else None
    if row is None or not row.ssh_host.strip():
        return None
    return Binding(row.ssh_host.strip(), row.remote_dir, row.gpus)


def queue_bindings(core: Core, queues: list[str]) -> list[Binding]:
    """The distinct SSH hosts (and folders there) of the named queues; none when they all run here."""
    with core.store.read() as session:
        rows = session.exec(select(Queue).where(col(Queue.name).in_(queues))).all()
        found = [Binding(q.ssh_host.strip(), q.remote_dir, q.gpus) for q in rows if q.ssh_host.strip()]
    return list({(b.host, b.base): b for b in found}.values())
