"""The Backend protocol every way of running a task implements (this machine, a container, a host), what the
run hands a backend, and the registry a worker picks its backend from by mode."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.cache.environments import EnvironmentCache
from tasktune_gui.execution.cache.workspace import MirrorCache
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.console import BatchSink
from tasktune_gui.execution.run.launch import TaskSnapshot
from tasktune_gui.execution.run.setup_log import SetupLog
from tasktune_gui.execution.stores.models import ModelCache


@dataclass
class Outcome:
    exit_code: int
    stopped: bool  # ended by stop(): abort, or the worker shutting down
    last_stderr: list[str] = field(default_factory=list)
    left_running: list[str] = field(default_factory=list)  # processes the run left behind, ended after it


@dataclass
class RunSettings:
    """A worker slot's settings, the same for each of its runs."""

    cache: MirrorCache
    environments: EnvironmentCache
    runs_dir: Path
    backends: Backends
    mode: str = "local"  # the backend of the worker's tasks: "local", "docker", or one registered in `backends`
    options: dict[str, object] = field(default_factory=dict)  # each backend's own settings, by its mode
    abort_grace: float = 10.0
    extra_env: dict[str, str] = field(default_factory=dict)
    keep_workspace: bool = False
    ssh: SshOptions = field(default_factory=SshOptions)  # for queues bound to an SSH host
    models: ModelCache | None = None  # input models from buckets; else under the mirror cache's root

    @property
    def model_cache(self) -> ModelCache:
        return self.models or ModelCache(self.cache.root / "models")


@dataclass
class RunContext:
    """What a backend gets from the run: the task as read at its start, the worker's settings, the run's own
    folder on this machine, its console (the spool: nothing is lost while the database is away), and the stack
    that keeps what the run uses (an environment, a model) from eviction until its end."""

    core: Core
    snapshot: TaskSnapshot
    settings: RunSettings
    run_dir: Path
    console: BatchSink
    in_use: contextlib.ExitStack

    def record_packages(self, installed: str) -> None:
        self.core.lifecycle.record_runtime(self.snapshot.id, requirements=installed)


class RunningTask(Protocol):
    """A started task: `stop` may come from any thread, `wait` from the run's own."""

    @property
    def pid(self) -> int | None: ...  # None where the backend has no process id to show (a container)

    @property
    def host(self) -> str: ...  # "" for this machine

    @property
    def events(self) -> Path | None: ...  # the SDK's events file on this machine, which the run follows

    def ended_within(self, seconds: float) -> bool: ...

    def stop(self, grace: float) -> None: ...

    def wait(self) -> Outcome: ...


class Backend(Protocol):
    """One task's run in one place. TaskRun calls, in this order: `workspace`, `prepare`, `launch` (in the
    "start" step), `start`, then waits on the handle; `close` at the end, whatever happened. `stop` may come
    from any thread before `start` (a start that follows it is stopped by the run)."""

    def workspace(self, setup: SetupLog) -> str: ...  # the source checked out with its diff; the commit it is at

    def prepare(self, setup: SetupLog) -> None: ...  # environment, container, uploads: in steps of `setup`

    def launch(self) -> None: ...  # the command made (on a host, started detached: it writes to files there)

    def start(self, console: BatchSink) -> RunningTask: ...  # running, its console going to `console`

    def stop(self, grace: float) -> None: ...

    def close(self) -> None: ...  # may be called twice


BackendFactory = Callable[[RunContext], Backend]


class Backends:
    """Backend factories by mode ("local", "docker", "ssh", ...): a new backend is one registration."""

    def __init__(self, factories: dict[str, BackendFactory] | None = None) -> None:
        self._factories = dict(factories or {})

    def register(self, mode: str, factory: BackendFactory) -> None:
        self._factories[mode] = factory

    @property
    def modes(self) -> list[str]:
        return sorted(self._factories)

    def create(self, mode: str, context: RunContext) -> Backend:
        factory = self._factories.get(mode)
        if factory is None:
            raise StepFailed(f"no backend {mode!r} in this worker", f"known: {', '.join(self.modes)}")
        return factory(context)
