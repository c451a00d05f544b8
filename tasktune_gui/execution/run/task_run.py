"""One task from Running to its end: workspace, environment, process, console, and the final status."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition, TaskTuneError
from tasktune_gui.core.results import SETUP_STREAM
from tasktune_gui.core.retry import retry_while_disconnected
from tasktune_gui.execution.bindings import Binding, SshOptions
from tasktune_gui.execution.cache.entries import is_python
from tasktune_gui.execution.cache.environments import EnvironmentCache
from tasktune_gui.execution.cache.workspace import MirrorCache, prepare_workspace
from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.local.runner import Outcome, ProcessRun
from tasktune_gui.execution.run.console_spool import ConsoleSpool
from tasktune_gui.execution.run.launch import TaskSnapshot, build_command, output_folder, read_snapshot
from tasktune_gui.execution.run.sdk_channel import EVENTS_VARIABLE, EventsReader, shared_sdk
from tasktune_gui.execution.run.setup_log import SetupLog, prefixed
from tasktune_gui.execution.stores.buckets import StoreError, check_destination, is_remote, saved_endpoints
from tasktune_gui.execution.stores.models import ModelCache

if TYPE_CHECKING:  # the docker SDK and asyncssh are imported only by workers that use them
    from tasktune_gui.execution.docker.container import ContainerRun
    from tasktune_gui.execution.ssh.follow import RemoteProcess

log = logging.getLogger(__name__)
MESSAGE_LINES = 10
PID_RECORD_DELAY_S = 0.2  # a task still running after this long has its pid recorded at once


@dataclass
class RunSettings:
    cache: MirrorCache
    environments: EnvironmentCache
    runs_dir: Path
    abort_grace: float = 10.0
    extra_env: dict[str, str] = field(default_factory=dict)
    keep_workspace: bool = False
    docker: DockerConfig | None = None  # Docker mode: every task runs in a container
    ssh: SshOptions = field(default_factory=SshOptions)  # for queues bound to an SSH host
    models: ModelCache | None = None  # input models from buckets; else under the mirror cache's root

    @property
    def model_cache(self) -> ModelCache:
        return self.models or ModelCache(self.cache.root / "models")


def _linked_into(file: Path, folder: Path) -> Path:
    """A hard link of a cached file in `folder` (a copy across file systems)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file.name
    try:
        os.link(file, target)
    except OSError:
        shutil.copyfile(file, target)
    return target


class TaskRun:
    """Runs one task already marked Running by pop; `request_stop` aborts it from another thread."""

    def __init__(self, core: Core, task_id: str, settings: RunSettings) -> None:
        self.core = core
        self.task_id = task_id
        self.settings = settings
        self._lock = threading.Lock()
        self._process: ProcessRun | ContainerRun | RemoteProcess | None = None
        self._stop_reason: str | None = None
        self.ending = False
        self._in_use = contextlib.ExitStack()  # the environment the run uses, kept from eviction until its end

    def request_stop(self, reason: str) -> None:
        """Abort: before the start nothing is launched; during the run the whole tree is stopped."""
        with self._lock:
            if self._stop_reason is None:
                self._stop_reason = reason
            process = self._process
        if process is not None:
            process.stop(self.settings.abort_grace)

    @property
    def stopping(self) -> bool:
        with self._lock:
            return self._stop_reason is not None

    def run(self) -> None:
        run_dir = self.settings.runs_dir / self.task_id
        try:
            self._run(run_dir)
        except StepFailed as exc:
            self._finish_failed(exc.reason, exc.detail)
        except TaskTuneError as exc:
            self._finish_failed("worker error", str(exc))
        except Exception as exc:  # never leave the task Running because of a bug here
            log.exception("task %s failed in the worker", self.task_id)
            self._finish_failed("worker error", f"{type(exc).__name__}: {exc}")
        finally:
            self._in_use.close()
            if not self.settings.keep_workspace:
                shutil.rmtree(run_dir, ignore_errors=True)

    def _run(self, run_dir: Path) -> None:
        snapshot = self._prepare_stores(read_snapshot(self.core, self.task_id), run_dir)
        binding = snapshot.binding
        if binding is not None:
            self._run_remote(snapshot, binding, run_dir)
            return
        run_dir.mkdir(parents=True, exist_ok=True)
        # The console waits in the spool while the database is unreachable, then goes in, in order.
        spool = ConsoleSpool(self.core.results, self.task_id, run_dir / "console.spool")
        setup = self._setup_log(spool)
        try:
            self._run_local(snapshot, run_dir, spool, setup)
        finally:
            leftover = setup.close()  # lines of a setup that failed, or of a run that never started
            if leftover:
                spool(leftover)

    def _setup_log(self, spool: ConsoleSpool) -> SetupLog:
        return SetupLog(lambda step: self.core.lifecycle.record_setup_step(self.task_id, step), spool)

    def _run_local(self, snapshot: TaskSnapshot, run_dir: Path, spool: ConsoleSpool, setup: SetupLog) -> None:
        repo = run_dir / "repo"
        commit = prepare_workspace(self.settings.cache, snapshot.source, snapshot.diff, repo, setup.step)
        if not snapshot.source.commit and not snapshot.source.tag:  # a branch head (or HEAD) as resolved now
            self.core.lifecycle.record_runtime(self.task_id, commit=commit)
        if self.settings.docker is not None:
            self._run_in_container(self.settings.docker, snapshot, repo, run_dir, spool, setup)
            return
        environments = self.settings.environments
        with setup.step("environment"):
            env_bin = environments.prepare(snapshot.binary, snapshot.requirements, repo, self._record_packages,
                                           self._in_use, output=setup.output)
        with setup.step("start"):
            # Without an environment, python3 is the machine's, resolved once: a pyenv shim costs ~100 ms a start.
            machine_python = env_bin is None and is_python(snapshot.binary)
            interpreter = environments.interpreter(snapshot.binary) if machine_python else None
            command = build_command(snapshot, repo, run_dir / "config", env_bin, self.settings.extra_env,
                                    interpreter, sdk_lib=shared_sdk(self.settings.cache.root / "sdk"))
            with self._lock:
                if self._stop_reason is not None:
                    self._finish(lambda: self.core.lifecycle.mark_aborted(self.task_id))
                    return
        # The setup's lines go in with the task's first output: one insert for both.
        sink, rest = prefixed(spool, setup.close())
        with self._lock:
            self._process = ProcessRun(command, sink, self.settings.abort_grace)
        # Followed by a thread only once the task outlives the pid delay: a short task's events are read at its end.
        events = EventsReader(self.core, self.task_id, Path(command.env[EVENTS_VARIABLE]), follow=False)
        pid: int | None = self._process.pid
        try:
            # A short task's pid goes in with its end: one write fewer per task, a fifth of a no-op's overhead.
            if not self._process.ended_within(PID_RECORD_DELAY_S):
                events.follow()
                retry_while_disconnected(lambda: self.core.lifecycle.record_runtime(self.task_id, pid=pid),
                                         f"task {self.task_id}: recording its pid")
                pid = None
            if self.stopping:  # a stop that raced with the start
                self._process.stop(self.settings.abort_grace)
            outcome = self._process.wait()
        finally:
            events.close()
        rest()  # a task that printed nothing: the setup's lines alone
        if outcome.left_running:  # the worker's lines, beside the setup's: `tasktune log` shows only the task's
            spool([(SETUP_STREAM, f"[tasktune] the task left {len(outcome.left_running)} process(es) running; ended:")]
                  + [(SETUP_STREAM, f"[tasktune]   {text}") for text in outcome.left_running])
        spool.drain()  # every line is in before the final status says the run is over
        self._report(outcome, pid)

    def _run_in_container(self, config: DockerConfig, snapshot: TaskSnapshot, repo: Path, run_dir: Path,
                          spool: ConsoleSpool, setup: SetupLog) -> None:
        """The Docker backend: the same workspace and command, run by docker exec in the task's container."""
        from tasktune_gui.execution.docker.container import ContainerRun, ContainerTask

        run_dir, repo = run_dir.resolve(), repo.resolve()  # mounted at the same paths: they must be absolute
        image = snapshot.container_image or config.default_image
        if not image:
            raise StepFailed("no container image", "the task names none and this worker has no default image")
        if image != snapshot.container_image:  # written back, so a clone runs in the same image
            self.core.lifecycle.record_runtime(self.task_id, container_image=image)
        # Inside, the slot's GPU comes as a device request and is the container's device 0.
        extra_env = {k: v for k, v in self.settings.extra_env.items() if k != "CUDA_VISIBLE_DEVICES"}
        task = ContainerTask(self.task_id, image, snapshot.container_arguments, snapshot.container_setup_script,
                             snapshot.container_use_image_env, output_folder(snapshot, run_dir),
                             dict(self.settings.extra_env))
        container = ContainerRun(config, task, run_dir, self.settings.cache.root.resolve(), spool)
        try:
            with self._lock:
                self._process = container
                stopping = self._stop_reason is not None
            if stopping:
                self._finish(lambda: self.core.lifecycle.mark_aborted(self.task_id))
                return
            with setup.step("container"):
                container.start(repo)
                self.core.lifecycle.record_runtime(self.task_id, container_id=container.container_id)
            leftover = setup.close()  # before the setup script's own lines, which share the console
            if leftover:
                spool(leftover)
            container.run_setup(repo)
            env_bin = None
            if not snapshot.container_use_image_env:
                with setup.step("environment"):
                    env_bin = container.environments().prepare(snapshot.binary, snapshot.requirements, repo,
                                                               self._record_packages, self._in_use,
                                                               output=setup.output)
            with setup.step("start"):
                interpreter = str(env_bin / "python") if env_bin is not None and is_python(snapshot.binary) else None
                command = build_command(snapshot, repo, run_dir / "config", env_bin, extra_env,
                                        interpreter or snapshot.binary, base_env=container.base_env)
            leftover = setup.close()
            if leftover:
                spool(leftover)
            events = EventsReader(self.core, self.task_id, Path(command.env[EVENTS_VARIABLE]))
            try:
                container.launch(command)
                outcome = container.wait()
            finally:
                events.close()
        finally:
            container.close()
        spool.drain()
        self._report(outcome)

    def _run_remote(self, snapshot: TaskSnapshot, binding: Binding, run_dir: Path) -> None:
        """The same steps on the queue's SSH host (ssh_launch): workspace, environment and process live there."""
        from tasktune_gui.execution.ssh.launch import RemoteLauncher  # asyncssh loads only when a host is used

        launcher = RemoteLauncher(self.core, binding, self.settings.ssh, run_dir)
        remote_run = ""
        # As on this machine, the console waits in a spool while the database is unreachable.
        run_dir.mkdir(parents=True, exist_ok=True)
        spool = ConsoleSpool(self.core.results, self.task_id, run_dir / "console.spool")
        setup = self._setup_log(spool)
        try:
            commit = launcher.prepare(snapshot, self.settings.cache, self._record_packages, setup.step)
            if not snapshot.source.commit and not snapshot.source.tag:
                self.core.lifecycle.record_runtime(self.task_id, commit=commit)
            with self._lock:
                if self._stop_reason is not None:
                    self._finish(lambda: self.core.lifecycle.mark_aborted(self.task_id))
                    return
            with setup.step("start"), self._lock:
                self._process = launcher.start(snapshot, self.settings.extra_env, spool)
            leftover = setup.close()
            if leftover:
                spool(leftover)
            self.core.lifecycle.record_runtime(self.task_id, pid=self._process.pid, host=binding.host)
            if self.stopping:
                self._process.stop(self.settings.abort_grace)
            outcome = self._process.wait()
            remote_run = "" if self.settings.keep_workspace else self._process.run
        finally:
            leftover = setup.close()
            if leftover:
                spool(leftover)
            launcher.close(remove_run=remote_run)
        spool.drain()
        self._report(outcome)

    def _prepare_stores(self, snapshot: TaskSnapshot, run_dir: Path) -> TaskSnapshot:
        """Before any other step (every backend): a bucket destination must take a write, and a bucket's input
        model comes into the model cache, so a task that cannot keep or read its files fails at once."""
        if not is_remote(snapshot.output_uri) and not is_remote(snapshot.input_model_uri):
            return snapshot
        endpoints = saved_endpoints()
        if is_remote(snapshot.output_uri):
            try:
                check_destination(snapshot.output_uri, endpoints)
            except StoreError as exc:
                raise StepFailed(f"output destination: {exc.reason}", exc.detail) from exc
        if is_remote(snapshot.input_model_uri):
            try:
                model = self.settings.model_cache.fetch(snapshot.input_model_uri, snapshot.input_model_hash,
                                                        endpoints, self._in_use)
            except StoreError as exc:
                raise StepFailed(f"input model: {exc.reason}", exc.detail) from exc
            if self.settings.docker is not None and snapshot.binding is None:
                model = _linked_into(model, run_dir.resolve() / "input")  # the run folder is what the container sees
            snapshot = dataclasses.replace(snapshot, input_model_uri=str(model))
        return snapshot

    def _record_packages(self, installed: str) -> None:
        self.core.lifecycle.record_runtime(self.task_id, requirements=installed)

    def _report(self, outcome: Outcome, pid: int | None = None) -> None:
        lifecycle = self.core.lifecycle
        if outcome.stopped:
            self._finish(lambda: lifecycle.mark_aborted(self.task_id, exit_code=outcome.exit_code, pid=pid))
        elif outcome.exit_code == 0:
            self._finish(lambda: lifecycle.complete(self.task_id, exit_code=0, pid=pid))
        else:
            message = "\n".join(outcome.last_stderr[-MESSAGE_LINES:])
            reason = f"exit code {outcome.exit_code}"
            self._finish(lambda: lifecycle.fail(self.task_id, reason, message, outcome.exit_code, pid=pid))

    def _finish_failed(self, reason: str, detail: str) -> None:
        if self.stopping:  # an abort during preparation wins over the step it interrupted
            self._finish(lambda: self.core.lifecycle.mark_aborted(self.task_id))
            return
        self._finish(lambda: self.core.lifecycle.fail(self.task_id, reason, detail[-4000:]))

    def _finish(self, report: Callable[[], None]) -> None:
        self.ending = True  # before the write: the monitor need not ask whether an ending run was aborted
        try:
            retry_while_disconnected(report, f"task {self.task_id}: its final status")
        except InvalidTransition as exc:
            # The watchdog or a person moved it on meanwhile; their word stands.
            log.warning("task %s already finished elsewhere: %s", self.task_id, exc)
