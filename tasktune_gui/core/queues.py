"""Queues: FIFO order, an atomic pop that hands a task to exactly one worker, moves, watchers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy import select as table_select
from sqlmodel import Session, col, select

from tasktune_gui.core.about import ran_with
from tasktune_gui.core.errors import InvalidValue, TaskTuneError
from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.history import record_run
from tasktune_gui.core.lookup import get_queue, get_task
from tasktune_gui.core.models import Queue, QueueEntry, Task, Worker, WorkerQueue, utcnow
from tasktune_gui.core.permissions import check_admin
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.core.status import Status
from tasktune_gui.core.store import Store
from tasktune_gui.core.summaries import WORKER_ONLINE_WINDOW, QueueSummary

DEFAULT_QUEUE = "default"
MOVES = ("front", "back", "up", "down")


@dataclass(frozen=True)
class Taken:
    """A task a pop marked running, with its type: a worker runs an optimizer's search, not a backend."""

    task_id: str
    type: str


@dataclass(frozen=True)
class QueuedTask:
    position: int  # 1 is taken next
    task_id: str
    name: str
    enqueued: datetime


def push(session: Session, queue: Queue, task_id: str) -> None:
    """Put a task at the back of the queue (inside the caller's transaction)."""
    last = session.exec(select(func.max(QueueEntry.position)).where(QueueEntry.queue_id == queue.id)).one()
    assert queue.id is not None
    session.add(QueueEntry(queue_id=queue.id, task_id=task_id, position=(last or 0) + 1))


def remove(session: Session, task_id: str) -> None:
    session.execute(delete(QueueEntry).where(col(QueueEntry.task_id) == task_id))


def watchers(session: Session, queue_name: str, now: datetime | None = None) -> int:
    """How many live workers watch this queue."""
    since = (now or utcnow()) - WORKER_ONLINE_WINDOW
    statement = (
        select(func.count())
        .select_from(WorkerQueue)
        .join(Worker, col(Worker.id) == col(WorkerQueue.worker_id))
        .where(WorkerQueue.queue_name == queue_name, col(Worker.last_heartbeat) >= since)
    )
    return int(session.exec(statement).one())


def ensure_default_queue(session: Session) -> None:
    if session.exec(select(Queue.id).where(Queue.name == DEFAULT_QUEUE)).first() is None:
        session.add(Queue(name=DEFAULT_QUEUE))


def validate_ssh_binding(ssh_host: str, remote_dir: str, gpus: str) -> tuple[str, str, str]:
    """An alias of ~/.ssh/config (never an option: it reaches asyncssh, not a shell), a folder, GPU numbers."""
    ssh_host, remote_dir, gpus = ssh_host.strip(), remote_dir.strip(), gpus.replace(" ", "")
    if ssh_host and (ssh_host.startswith("-") or any(ch.isspace() or ch in "'\"\\;$`" for ch in ssh_host)):
        raise InvalidValue(f"'{ssh_host}' is not an SSH host alias")
    if remote_dir and not ssh_host:
        raise InvalidValue("a remote folder needs an SSH host (--ssh HOST)")
    if any(ch in remote_dir for ch in "\n\r\0"):
        raise InvalidValue("the remote folder must be one line")
    if gpus and not all(part.isdigit() for part in gpus.split(",")):
        raise InvalidValue(f"'{gpus}' is not a GPU list (like 0,1)")
    return ssh_host, remote_dir, gpus


def _checked_slurm(slurm: SlurmOptions | None, ssh_host: str) -> SlurmOptions | None:
    if slurm is None:
        return None
    if ssh_host:
        raise InvalidValue("a queue runs on an SSH host or on Slurm, not both")
    return slurm.checked()


def validate_queue_name(name: str) -> str:
    name = name.strip()
    if not name or any(ch.isspace() for ch in name) or "/" in name:
        raise InvalidValue(f"'{name}' is not a queue name (no spaces or '/')")
    return name


class QueueService:
    """Queue administration and the worker's atomic pop."""

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def create(self, name: str, ssh_host: str = "", remote_dir: str = "", gpus: str = "",
               slurm: SlurmOptions | None = None) -> Queue:
        name = validate_queue_name(name)
        ssh_host, remote_dir, gpus = validate_ssh_binding(ssh_host, remote_dir, gpus)
        slurm = _checked_slurm(slurm, ssh_host)
        check_admin(self.store.identity, "create queues")
        with self.store.write() as session:
            if session.exec(select(Queue).where(Queue.name == name)).first() is not None:
                raise TaskTuneError(f"a queue named '{name}' already exists")
            queue = Queue(name=name, ssh_host=ssh_host, remote_dir=remote_dir, gpus=gpus,
                          slurm=slurm.to_json() if slurm else "")
            session.add(queue)
            note(session, Change("queue", "created", (name,)))
        return queue

    def ensure(self, name: str) -> bool:
        """Create the queue if it is missing; True when it was created."""
        name = validate_queue_name(name)
        with self.store.write() as session:
            if session.exec(select(Queue).where(Queue.name == name)).first() is not None:
                return False
            session.add(Queue(name=name))
            note(session, Change("queue", "created", (name,)))
        return True

    def bind(self, name: str, ssh_host: str, remote_dir: str = "", gpus: str = "",
             slurm: SlurmOptions | None = None) -> None:
        """Run the queue's tasks on an SSH host or a Slurm partition from now on (neither: on the worker's
        machine again)."""
        ssh_host, remote_dir, gpus = validate_ssh_binding(ssh_host, remote_dir, gpus)
        slurm = _checked_slurm(slurm, ssh_host)
        check_admin(self.store.identity, "bind queues to hosts")
        with self.store.write() as session:
            queue = get_queue(session, name)
            queue.ssh_host, queue.remote_dir, queue.gpus = ssh_host, remote_dir, gpus
            queue.slurm = slurm.to_json() if slurm else ""
            session.add(queue)
            note(session, Change("queue", "updated", (name,)))

    def delete(self, name: str) -> None:
        check_admin(self.store.identity, "delete queues")
        with self.store.write() as session:
            queue = get_queue(session, name)
            if name == DEFAULT_QUEUE:
                raise TaskTuneError("the 'default' queue cannot be deleted")
            count = session.exec(
                select(func.count()).select_from(QueueEntry).where(QueueEntry.queue_id == queue.id)
            ).one()
            if count:
                raise TaskTuneError(f"queue '{name}' has {count} pending task(s); dequeue them first")
            session.delete(queue)
            note(session, Change("queue", "deleted", (name,)))

    def summaries(self) -> list[QueueSummary]:
        with self.store.read() as session:
            counts = dict(
                session.exec(
                    select(QueueEntry.queue_id, func.count()).group_by(col(QueueEntry.queue_id))
                ).all()
            )
            queues = session.exec(select(Queue).order_by(Queue.name)).all()
            return [QueueSummary(q.name, counts.get(q.id or 0, 0), watchers(session, q.name), q.ssh_host,
                                 q.remote_dir, q.gpus, SlurmOptions.from_json(q.slurm)) for q in queues]

    def slurm_options(self, name: str) -> SlurmOptions | None:
        """The Slurm options of a queue; None when it does not run on Slurm."""
        with self.store.read() as session:
            return SlurmOptions.from_json(get_queue(session, name).slurm)

    def entries(self, name: str, limit: int | None = None) -> list[QueuedTask]:
        with self.store.read() as session:
            queue = get_queue(session, name)
            statement = (
                select(QueueEntry.task_id, Task.name, QueueEntry.enqueued)
                .join(Task, col(Task.id) == col(QueueEntry.task_id))
                .where(QueueEntry.queue_id == queue.id)
                .order_by(col(QueueEntry.position))
                .limit(limit)
            )
            rows = session.exec(statement).all()
            return [QueuedTask(i + 1, tid, tname, when) for i, (tid, tname, when) in enumerate(rows)]

    def move(self, task_id: str, where: str) -> None:
        """Move a pending task to the front or back of its queue, or one place up or down."""
        if where not in MOVES:
            raise InvalidValue(f"'{where}' is not a move (use {', '.join(MOVES)})")
        check_admin(self.store.identity, "reorder queues")
        with self.store.write() as session:
            task = get_task(session, task_id)
            entry = session.exec(select(QueueEntry).where(QueueEntry.task_id == task.id)).first()
            if entry is None:
                raise TaskTuneError(f"task {task.id} is not in a queue (it is {task.status})")
            _move_entry(session, entry, where)
            queue = session.get(Queue, entry.queue_id)
            note(session, Change("queue", "updated", (queue.name if queue else "",)))

    def pop(self, queue_names: list[str], worker: str = "", host: str = "", pid: int | None = None) -> str | None:
        """Take the first task of the first non-empty queue and mark it running; None when all are empty or
        the worker is paused."""
        taken = self.pop_taken(queue_names, worker, host, pid)
        return taken.task_id if taken is not None else None

    def pop_taken(self, queue_names: list[str], worker: str = "", host: str = "",
                  pid: int | None = None) -> Taken | None:
        """`pop`, with the task's type read in the same statement (a worker runs an optimizer differently)."""
        with self.store.write() as session:
            taken = _pop_in(session, queue_names, worker, host, pid)
            if taken is not None:
                note(session, Change("task", "status", (taken.task_id,)))
        return taken


_ENTRIES = QueueEntry.__table__  # type: ignore[attr-defined]
_QUEUES = Queue.__table__  # type: ignore[attr-defined]
_TASKS = Task.__table__  # type: ignore[attr-defined]
_WORKERS = Worker.__table__  # type: ignore[attr-defined]
# A pop is on every task's path: its statements are built once (building one cost more than running it), run
# as table statements on plain rows (loading ORM entries is the slower part of a pop), the queue found in the same
# read.
_PAUSED = table_select(_WORKERS.c.paused).where(_WORKERS.c.id == bindparam("worker"))
# SKIP LOCKED (of the entry only, not the queue's row) lets PostgreSQL workers pass each other; SQLite's
# write lock already serializes.
_FIRST_ENTRY = (
    table_select(_ENTRIES.c.id, _ENTRIES.c.task_id, _TASKS.c.type)
    .join(_QUEUES, _QUEUES.c.id == _ENTRIES.c.queue_id)
    .join(_TASKS, _TASKS.c.id == _ENTRIES.c.task_id)
    # A Slurm queue's tasks go to its submit process (core/slurm_jobs.py), never to a worker's slot.
    .where(_QUEUES.c.name == bindparam("queue"), _QUEUES.c.slurm == "")
    .order_by(_ENTRIES.c.position)
    .limit(1)
    .with_for_update(skip_locked=True, of=_ENTRIES)
)
_DELETE_ENTRY = delete(_ENTRIES).where(_ENTRIES.c.id == bindparam("entry"))
_MARK_RUNNING = (
    update(_TASKS)
    .where(_TASKS.c.id == bindparam("task"), _TASKS.c.status == Status.PENDING.value)
    .values(status=Status.RUNNING.value, worker=bindparam("worker_id"), host=bindparam("host"),
            pid=bindparam("pid"), started=bindparam("now"), last_update=bindparam("now"), status_reason="",
            status_message="", ran_with_version=bindparam("ran_with_version"),
            ran_with_schema=bindparam("ran_with_schema"))
)


def _pop_in(session: Session, queue_names: list[str], worker: str, host: str, pid: int | None) -> Taken | None:
    connection = session.connection()
    if worker and connection.execute(_PAUSED, {"worker": worker}).scalar():
        return None  # a paused worker takes nothing, whichever path asks for it
    for name in queue_names:
        entry = connection.execute(_FIRST_ENTRY, {"queue": name}).first()
        if entry is None:
            continue
        entry_id, task_id, task_type = entry
        now = utcnow()
        result = connection.execute(
            _MARK_RUNNING, {"task": task_id, "worker_id": worker, "host": host, "pid": pid, "now": now, **ran_with()}
        )
        # After the claim: a lab's worker login may remove only the entry of a task no longer waiting (core/lab.py).
        connection.execute(_DELETE_ENTRY, {"entry": entry_id})
        if result.rowcount == 1:
            record_run(session, str(task_id), "started", Status.RUNNING.value)
            return Taken(str(task_id), str(task_type))
    return None


def _move_entry(session: Session, entry: QueueEntry, where: str) -> None:
    same_queue = QueueEntry.queue_id == entry.queue_id
    if where in ("front", "back"):
        bound = func.min if where == "front" else func.max
        edge = session.exec(select(bound(QueueEntry.position)).where(same_queue)).one()
        entry.position = edge - 1 if where == "front" else edge + 1
        session.add(entry)
        return
    neighbour_query = select(QueueEntry).where(same_queue)
    if where == "up":
        neighbour_query = neighbour_query.where(QueueEntry.position < entry.position).order_by(
            col(QueueEntry.position).desc()
        )
    else:
        neighbour_query = neighbour_query.where(QueueEntry.position > entry.position).order_by(
            col(QueueEntry.position)
        )
    neighbour = session.exec(neighbour_query.limit(1)).first()
    if neighbour is None:
        return  # already first (or last)
    entry.position, neighbour.position = neighbour.position, entry.position
    session.add(entry)
    session.add(neighbour)
