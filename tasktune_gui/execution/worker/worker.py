"""The worker: takes tasks from its queues in priority order into N slots, heartbeats, watches aborts and peers."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import bindparam
from sqlalchemy import select as table_select
from sqlmodel import col, or_, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition
from tasktune_gui.core.events import Change
from tasktune_gui.core.models import Queue, QueueEntry, Task
from tasktune_gui.core.models import Worker as WorkerRow
from tasktune_gui.core.queues import Taken
from tasktune_gui.core.results import SETUP_STREAM
from tasktune_gui.core.retry import Backoff, is_disconnect
from tasktune_gui.core.status import Status, TaskType
from tasktune_gui.core.upkeep import UPKEEP_EVERY_S, Upkeep
from tasktune_gui.execution.backends import default_backends
from tasktune_gui.execution.bindings import SshOptions, queue_bindings
from tasktune_gui.execution.cache.environments import DEFAULT_MAX_BYTES, EnvironmentCache
from tasktune_gui.execution.cache.trees import DEFAULT_MAX_BYTES as TREES_MAX_BYTES
from tasktune_gui.execution.cache.workspace import MirrorCache
from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.run.backend import Backends, RunSettings
from tasktune_gui.execution.run.run_folders import REMOVER
from tasktune_gui.execution.run.task_run import TaskRun
from tasktune_gui.execution.stores.models import DEFAULT_MAX_BYTES as MODELS_MAX_BYTES
from tasktune_gui.execution.stores.models import ModelCache
from tasktune_gui.execution.worker.wakeup import Wakeup
from tasktune_gui.execution.worker.watchdog import DEFAULT_TIMEOUT_S, check_timing, fail_leftovers, fail_lost

if TYPE_CHECKING:
    from tasktune_gui.execution.sweep.run import SweepRun

log = logging.getLogger(__name__)
_TASKS = Task.__table__  # type: ignore[attr-defined]
# Read by the monitor five times a second while tasks run: built once (building it cost more than running it).
_TO_STOP = table_select(_TASKS.c.id, _TASKS.c.status, _TASKS.c.status_reason, _TASKS.c.worker).where(
    _TASKS.c.id.in_(bindparam("runs", expanding=True)),
    or_(_TASKS.c.abort_requested.is_(True), _TASKS.c.status != Status.RUNNING.value,
        _TASKS.c.worker != bindparam("worker")))
STOP_ABORT = "abort"
STOP_FINISH = "finish"
# How often the SSH hosts of a worker's queues are searched for runs a lost worker left going.
LOST_RUNS_EVERY_S = 300.0
REMOVAL_WAIT_S = 10.0  # at its stop, how long the worker waits for its runs' folders to go


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("tasktune", appauthor=False)) / "worker"


@dataclass
class WorkerConfig:
    queues: list[str]
    slots: int = 1
    gpus: list[str] = field(default_factory=list)  # one slot per GPU when given
    worker_id: str | None = None  # a stable id lets a restarted worker clean up after itself
    cache_dir: Path = field(default_factory=default_cache_dir)
    heartbeat_interval: float = 2.0
    watchdog_timeout: float = DEFAULT_TIMEOUT_S
    abort_grace: float = 10.0
    abort_poll: float = 0.2
    fallback_poll: float = 1.0  # in case a wake-up is missed (another database server, a lost event)
    on_stop: str = STOP_ABORT  # what a clean stop does with running tasks: abort them, or let them finish
    env_max_bytes: int = DEFAULT_MAX_BYTES  # the environment cache, past which the least recently used go
    tree_max_bytes: int = TREES_MAX_BYTES  # the pristine commit trees, likewise
    model_max_bytes: int = MODELS_MAX_BYTES  # input models downloaded from buckets, likewise
    docker: DockerConfig | None = None  # Docker mode: each task in a container of its image (or the default)
    ssh: SshOptions = field(default_factory=SshOptions)  # ~/.ssh/config and known_hosts, for SSH-bound queues
    backend: str = ""  # the backends' mode its tasks run in; by default "docker" with `docker`, else "local"
    backends: Backends | None = None  # None: those TaskTune has (execution/backends.py)
    backend_options: dict[str, object] = field(default_factory=dict)  # a registered backend's settings, by mode
    kind: str = "local"  # how the worker shows on the Workers page: local, tray, ...
    upkeep_every: float = UPKEEP_EVERY_S  # pruning old change records and folding the kept task counts

    @property
    def slot_count(self) -> int:
        return len(self.gpus) if self.gpus else max(1, self.slots)


@dataclass
class _Slot:
    index: int
    settings: RunSettings
    run: TaskRun | SweepRun | None = None
    thread: threading.Thread | None = None


class Worker:
    """Start with `start()` (background) or `run_once()`; `stop()` ends cleanly, never marking a task Completed."""

    def __init__(self, core: Core, config: WorkerConfig) -> None:
        check_timing(config.heartbeat_interval, config.watchdog_timeout)
        self.core = core
        self.config = config
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.id = config.worker_id or ""
        settings = RunSettings(
            cache=MirrorCache(config.cache_dir, config.tree_max_bytes),
            environments=EnvironmentCache(config.cache_dir, config.env_max_bytes),
            runs_dir=config.cache_dir / "runs",
            models=ModelCache(config.cache_dir / "models", config.model_max_bytes),
            abort_grace=config.abort_grace,
            backends=config.backends or default_backends(),
            mode=config.backend or ("docker" if config.docker is not None else "local"),
            options={**config.backend_options, "docker": config.docker},
            ssh=config.ssh,
        )
        self._slots = [
            _Slot(i, dataclasses.replace(settings, extra_env=self._slot_env(i))) for i in range(config.slot_count)
        ]
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._monitor_wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._wakeup: Wakeup | None = None
        self._unsubscribe = core.events.subscribe(self._on_change)
        self.finished: list[str] = []
        self.paused = False  # as last read from the database
        self._took_last = False  # the last take found a task
        self.database_error: str | None = None  # the last database failure, until the next success
        # After an outage every worker's heartbeat is stale: judge nobody lost until they have had time to beat.
        self._watchdog_after = 0.0
        self._upkeep = Upkeep(core.store, config.upkeep_every)
        self._lost_runs_wanted = False  # a search of the SSH hosts for lost runs is asked for / going on
        self._lost_runs_search: threading.Thread | None = None

    def _slot_env(self, index: int) -> dict[str, str]:
        return {"CUDA_VISIBLE_DEVICES": self.config.gpus[index]} if self.config.gpus else {}

    # Life of the worker.

    def register(self) -> str:
        if self.config.worker_id:
            fail_leftovers(self.core, self.config.worker_id)
        self.id = self.core.workers.register(
            self.host, self.pid, self.config.queues, self.config.slot_count, self.config.worker_id, self.config.kind,
            self.config.watchdog_timeout,
        )
        fail_lost(self.core, self.config.watchdog_timeout)
        self._wakeup = Wakeup(self.core)
        self._spawn(self._monitor_loop, "worker-monitor")
        self.end_lost_runs()  # a run of this worker's before it was killed, or of one the watchdog failed
        REMOVER.sweep(self._slots[0].settings.runs_dir)  # run folders a killed worker left half removed
        return self.id

    def start(self) -> str:
        """Register and take tasks in the background until `stop()`."""
        worker_id = self.register()
        self._spawn(self._dispatch_loop, "worker-dispatch")
        return worker_id

    def _spawn(self, target: object, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def stop_soon(self, on_stop: str | None = None) -> None:
        """Stop taking work and abort running tasks (unless they are to finish); returns at once."""
        self._stopping.set()
        if self._wakeup is not None:
            self._wakeup.event.set()
        if (on_stop or self.config.on_stop) == STOP_ABORT:
            for run in self.running():
                self._abort_for_stop(run)

    def stop(self, on_stop: str | None = None) -> None:
        """Stop taking work; abort (or wait for) running tasks; unregister."""
        self.stop_soon(on_stop)
        self._join_slots()
        self._monitor_wake.set()
        for thread in self._threads:
            thread.join()
        # The dispatcher may have launched a task it popped while this stop began (aborted at once): its run ends
        # before the worker is said stopped, or it would write with a core its owner has closed meanwhile.
        self._join_slots()
        with self._lock:
            search = self._lost_runs_search  # started by the monitor at the latest, which has ended
        if search is not None:
            search.join()
        REMOVER.wait_idle(REMOVAL_WAIT_S)  # a stopped worker leaves no run folder behind
        self._unsubscribe()
        if self._wakeup is not None:
            self._wakeup.close()
        if self.id:
            self.core.workers.unregister(self.id)

    def _join_slots(self) -> None:
        with self._lock:
            threads = [slot.thread for slot in self._slots if slot.thread is not None]
        for thread in threads:
            thread.join()

    def _abort_for_stop(self, run: TaskRun | SweepRun) -> None:
        try:  # recorded as a person's abort would be, so its reason shows why it stopped
            self.core.lifecycle.abort(run.task_id, reason="worker stopped")
        except InvalidTransition:
            return  # it ended on its own just now
        except Exception:
            log.exception("could not record the abort of %s", run.task_id)
        run.request_stop("worker stopped")

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def running(self) -> list[TaskRun | SweepRun]:
        with self._lock:
            return [slot.run for slot in self._slots if slot.run is not None]

    # Taking work.

    def has_work(self) -> bool:
        """A cheap read before the write transaction of a pop (SQLite: most wake-ups are other tasks' console
        lines); it also reads whether the worker is paused."""
        with self.core.store.read() as session:
            row = session.get(WorkerRow, self.id) if self.id else None
            self.paused = row is not None and row.paused
            if self.paused:
                return False
            found = session.exec(
                select(QueueEntry.id)
                .join(Queue, col(Queue.id) == col(QueueEntry.queue_id))
                .where(col(Queue.name).in_(self.config.queues), col(Queue.slurm) == "")
                .limit(1)
            ).first()
        return found is not None

    def take(self) -> Taken | None:
        if self.stopping:
            return None
        # SQLite: a read first, as a pop takes the database's one write lock. PostgreSQL pops straight away:
        # its wake-ups are already filtered to enqueues, and SKIP LOCKED pops run side by side.
        # Right after a successful pop the queue likely holds more: skip the read and pop straight away.
        if self.core.store.dialect != "postgresql" and not self._took_last and not self.has_work():
            return None
        taken = self.core.queues.pop_taken(self.config.queues, self.id, self.host, self.pid)
        self._took_last = taken is not None
        return taken

    def set_paused(self, paused: bool) -> None:
        """Stop (or resume) taking work; running tasks go on. Recorded in the database, where pops honour it."""
        self.core.workers.set_paused(self.id, paused)
        self.paused = paused

    def _database_failed(self, what: str, exc: Exception, backoff: Backoff) -> None:
        """Say it once per outage; a lost connection is retried with backoff, anything else is a bug to show."""
        first = self.database_error is None
        self.database_error = f"{what}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        if not is_disconnect(exc):
            log.exception("%s failed", what)
        elif first:
            log.warning("%s: database unreachable; retrying with backoff", what)
        self._watchdog_after = time.monotonic() + self.config.watchdog_timeout + backoff.delay

    def _free_slot(self) -> _Slot | None:
        with self._lock:
            return next((slot for slot in self._slots if slot.run is None), None)

    def _dispatch_loop(self) -> None:
        assert self._wakeup is not None
        backoff = Backoff()
        while not self.stopping:
            slot = self._free_slot()
            try:
                taken = self.take() if slot is not None else None
            except Exception as exc:  # a database outage must not end the worker
                self._database_failed("taking a task", exc, backoff)
                self._wakeup.wait(backoff.next_delay())
                continue
            if backoff.failures:
                backoff.reset()
                self.database_error = None
            if slot is not None and taken is not None:
                self._launch(slot, taken)
                continue
            self._wakeup.wait(self.config.fallback_poll)

    def _make_run(self, taken: Taken, settings: RunSettings) -> TaskRun | SweepRun:
        """An optimizer task runs its sweep's search here; every other task runs on a backend."""
        if taken.type == TaskType.OPTIMIZER:
            from tasktune_gui.execution.sweep.run import SweepRun  # Optuna loads only when a sweep runs

            return SweepRun(self.core, taken.task_id, Wakeup(self.core))
        return TaskRun(self.core, taken.task_id, settings)

    def _launch(self, slot: _Slot, taken: Taken) -> None:
        run = self._make_run(taken, slot.settings)
        with self._lock:
            slot.run = run
            slot.thread = threading.Thread(target=self._run_in_slot, args=(slot, run), name=f"slot-{slot.index}")
            slot.thread.start()
        if self.stopping and self.config.on_stop == STOP_ABORT:  # popped while stop() was aborting the others
            self._abort_for_stop(run)

    def _run_in_slot(self, slot: _Slot, run: TaskRun | SweepRun) -> None:
        try:
            run.run()
        finally:
            with self._lock:
                slot.run = None
                self.finished.append(run.task_id)
            if self._wakeup is not None:
                self._wakeup.event.set()  # a slot is free: look for the next task now

    def run_once(self, wait: float = 0.0) -> str | None:
        """Take one task (waiting up to `wait` seconds for one), run it to its end; its id, or None."""
        if self._wakeup is None:
            self.register()
        assert self._wakeup is not None
        deadline = time.monotonic() + wait
        taken = self.take()
        while taken is None and not self.stopping and time.monotonic() < deadline:
            self._wakeup.wait(min(self.config.fallback_poll, max(0.0, deadline - time.monotonic())))
            taken = self.take()
        if taken is None:
            return None
        slot = self._slots[0]
        self._launch(slot, taken)
        assert slot.thread is not None
        slot.thread.join()
        return taken.task_id

    # Heartbeat, watchdog, aborts.

    def _on_change(self, change: Change) -> None:
        # An abort request is a status change; console batches and runtime records of our own runs are not,
        # and reading the database for each of them cost every task a few milliseconds. Nor is a run's own
        # final status: an ending run is not asked about aborts (and the read was for the other slots).
        if (change.kind == "task" and change.action == "status"
                and any(run.task_id in change.ids and not run.ending for run in self.running())):
            self._monitor_wake.set()

    def _monitor_loop(self) -> None:
        next_beat = time.monotonic() + self.config.heartbeat_interval
        next_search = time.monotonic() + LOST_RUNS_EVERY_S
        backoff = Backoff()
        wait = self.config.abort_poll
        while not (self.stopping and not self.running() and self._all_slots_idle()):
            self._monitor_wake.wait(wait)
            self._monitor_wake.clear()
            try:
                self._check_aborts()
                if time.monotonic() >= next_beat or backoff.failures:
                    next_beat = time.monotonic() + self.config.heartbeat_interval
                    self.paused = self.core.workers.heartbeat(self.id)
                    if time.monotonic() >= self._watchdog_after and fail_lost(self.core, self.config.watchdog_timeout):
                        self.end_lost_runs()
                self._upkeep.run_if_due()
                if time.monotonic() >= next_search:
                    next_search = time.monotonic() + LOST_RUNS_EVERY_S
                    self.end_lost_runs()
            except Exception as exc:  # an unreachable database: beat again as soon as it is back
                self._database_failed("heartbeat", exc, backoff)
                wait = backoff.next_delay()
                continue
            if backoff.failures:
                backoff.reset()
                self.database_error = None
            wait = self.config.abort_poll

    def end_lost_runs(self) -> None:
        """In the background: end the runs on the SSH hosts of this worker's queues that no worker follows."""
        if self.stopping or not queue_bindings(self.core, self.config.queues):
            return
        with self._lock:
            self._lost_runs_wanted = True
            if self._lost_runs_search is not None:  # the search going on will search once more
                return
            self._lost_runs_search = threading.Thread(target=self._lost_runs_loop, name="worker-lost-runs",
                                                      daemon=True)
            self._lost_runs_search.start()

    def _lost_runs_loop(self) -> None:
        from tasktune_gui.execution.ssh.orphans import end_lost_runs  # asyncssh loads only when a host is used

        while True:
            with self._lock:
                if not self._lost_runs_wanted or self.stopping:
                    self._lost_runs_search = None
                    return
                self._lost_runs_wanted = False
            try:
                end_lost_runs(self.core, self.config.queues, self.config.ssh, self.config.abort_grace)
            except Exception:  # a database outage, a bug: the next search tries again
                log.exception("searching the SSH hosts for lost runs failed")

    def _all_slots_idle(self) -> bool:
        with self._lock:
            return all(slot.thread is None or not slot.thread.is_alive() for slot in self._slots)

    def _check_aborts(self) -> None:
        runs = {run.task_id: run for run in self.running() if not run.stopping and not run.ending}
        if not runs:
            return
        with self.core.store.read() as session:
            rows = session.connection().execute(_TO_STOP, {"runs": list(runs), "worker": self.id}).all()
        for task_id, status, reason, owner in rows:
            if status == Status.RUNNING and owner == self.id:
                runs[task_id].request_stop("abort requested")
                continue
            # Declared lost (or ended) elsewhere while it runs here: its end is recorded already, so the
            # process must not go on unseen.
            message = (f"worker {self.id}: this task was marked {Status(status).label} ({reason or 'no reason'}) "
                       f"by someone else while it ran here; stopping it")
            log.warning("task %s: %s", task_id, message)
            with contextlib.suppress(Exception):
                self.core.results.append_console(task_id, [(SETUP_STREAM, f"[tasktune] {message}")])
            runs[task_id].request_stop(message)
