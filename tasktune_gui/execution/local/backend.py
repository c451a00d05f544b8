"""The local backend: the workspace and environment on this machine, the task as a process group of its own."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.execution.cache.entries import is_python
from tasktune_gui.execution.cache.workspace import prepare_workspace
from tasktune_gui.execution.local.runner import ProcessRun
from tasktune_gui.execution.run.backend import RunContext
from tasktune_gui.execution.run.console import BatchSink
from tasktune_gui.execution.run.launch import Command, build_command
from tasktune_gui.execution.run.sdk_channel import shared_sdk
from tasktune_gui.execution.run.setup_log import SetupLog


class LocalBackend:
    def __init__(self, context: RunContext) -> None:
        self.context = context
        self.repo = context.run_dir / "repo"
        self._env_bin: Path | None = None
        self._command: Command | None = None

    def workspace(self, setup: SetupLog) -> str:
        snapshot = self.context.snapshot
        return prepare_workspace(self.context.settings.cache, snapshot.source, snapshot.diff, self.repo, setup.step)

    def prepare(self, setup: SetupLog) -> None:
        snapshot, context = self.context.snapshot, self.context
        with setup.step("environment"):
            self._env_bin = context.settings.environments.prepare(
                snapshot.binary, snapshot.requirements, self.repo, context.record_packages, context.in_use,
                output=setup.output)

    def launch(self) -> None:
        snapshot, settings = self.context.snapshot, self.context.settings
        # Without an environment, python3 is the machine's, resolved once: a pyenv shim costs ~100 ms a start.
        machine_python = self._env_bin is None and is_python(snapshot.binary)
        interpreter = settings.environments.interpreter(snapshot.binary) if machine_python else None
        self._command = build_command(snapshot, self.repo, self.context.run_dir / "config", self._env_bin,
                                      settings.extra_env, interpreter, sdk_lib=shared_sdk(settings.cache.root / "sdk"))

    def start(self, console: BatchSink) -> ProcessRun:
        assert self._command is not None, "launch() comes first"
        return ProcessRun(self._command, console, self.context.settings.abort_grace)

    def stop(self, grace: float) -> None:
        """Nothing runs before the start: the run sees the stop and does not start the task."""

    def close(self) -> None:
        """The run folder goes with the run (TaskRun removes it)."""
