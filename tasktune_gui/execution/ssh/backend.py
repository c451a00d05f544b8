"""The SSH backend: the queue's host prepares the run (tree, environment) and runs it detached; followed here."""

from __future__ import annotations

from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.backend import RunContext
from tasktune_gui.execution.run.console import BatchSink
from tasktune_gui.execution.run.setup_log import SetupLog
from tasktune_gui.execution.ssh.follow import RemoteProcess
from tasktune_gui.execution.ssh.launch import RemoteLauncher

MODE = "ssh"


class SshBackend:
    def __init__(self, context: RunContext) -> None:
        binding = context.snapshot.binding
        if binding is None:
            raise StepFailed("the task's queue is bound to no host")
        self.context = context
        self.snapshot = context.snapshot
        self.launcher = RemoteLauncher(context.core, binding, context.settings.ssh, context.run_dir)
        self.process: RemoteProcess | None = None
        self._started: tuple[int, str] | None = None
        self._closed = False

    def workspace(self, setup: SetupLog) -> str:
        return self.launcher.workspace(self.snapshot, self.context.settings.cache, setup.step)

    def prepare(self, setup: SetupLog) -> None:
        self.launcher.prepare(self.snapshot, self.context.settings.cache, self.context.record_packages, setup.step)

    def launch(self) -> None:
        self.snapshot, pid, run = self.launcher.start(self.snapshot, self.context.settings.extra_env)
        self._started = pid, run

    def start(self, console: BatchSink) -> RemoteProcess:
        assert self._started is not None, "launch() comes first"
        pid, run = self._started
        self.process = RemoteProcess(self.launcher, self.snapshot, pid, run, console)
        return self.process

    def stop(self, grace: float) -> None:
        """Nothing runs on the host before the start: the run sees the stop and does not start the task."""

    def close(self) -> None:
        """Disconnect; the run's folder on the host goes once the task was followed to its end."""
        if self._closed:
            return
        self._closed = True
        ended = self.process is not None and self.process.ended
        keep = self.context.settings.keep_workspace or not ended
        self.launcher.close(remove_run="" if keep or self.process is None else self.process.run)
