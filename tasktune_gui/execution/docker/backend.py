"""The Docker backend: the workspace on this machine, mounted at the same path into the task's container, where
the setup script, the environment and the task run by docker exec."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

from tasktune_gui.execution.cache.entries import is_python
from tasktune_gui.execution.cache.workspace import prepare_workspace
from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.docker.container import ContainerRun, ContainerTask
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.backend import RunContext
from tasktune_gui.execution.run.console import BatchSink
from tasktune_gui.execution.run.launch import Command, build_command, output_folder
from tasktune_gui.execution.run.setup_log import SetupLog

MODE = "docker"


def _linked_into(file: Path, folder: Path) -> Path:
    """A hard link of a cached file in `folder` (a copy across file systems)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file.name
    try:
        os.link(file, target)
    except OSError:
        shutil.copyfile(file, target)
    return target


class DockerBackend:
    def __init__(self, context: RunContext) -> None:
        config = context.settings.options.get(MODE)
        if not isinstance(config, DockerConfig):
            raise StepFailed("this worker has no Docker settings")
        self.context = context
        self.config = config
        # Mounted at the same paths inside: they must be absolute.
        self.run_dir = context.run_dir.resolve()
        self.repo = self.run_dir / "repo"
        snapshot = context.snapshot
        models = context.settings.model_cache.root.resolve()
        model = Path(snapshot.input_model_uri) if snapshot.input_model_uri.startswith("/") else None
        if model is not None and models in model.resolve().parents:  # fetched from a bucket into the model cache
            snapshot = dataclasses.replace(snapshot, input_model_uri=str(_linked_into(model, self.run_dir / "input")))
        self.snapshot = snapshot
        self.image = snapshot.container_image or config.default_image
        self.container: ContainerRun | None = None
        self._env_bin: Path | None = None
        self._command: Command | None = None
        self._stop_grace: float | None = None

    def workspace(self, setup: SetupLog) -> str:
        snapshot = self.snapshot
        return prepare_workspace(self.context.settings.cache, snapshot.source, snapshot.diff, self.repo, setup.step)

    def prepare(self, setup: SetupLog) -> None:
        snapshot, context = self.snapshot, self.context
        if not self.image:
            raise StepFailed("no container image", "the task names none and this worker has no default image")
        if self.image != snapshot.container_image:  # written back, so a clone runs in the same image
            context.core.lifecycle.record_runtime(snapshot.id, container_image=self.image)
        task = ContainerTask(snapshot.id, self.image, snapshot.container_arguments, snapshot.container_setup_script,
                             snapshot.container_use_image_env, output_folder(snapshot, self.run_dir),
                             dict(context.settings.extra_env))
        self.container = ContainerRun(self.config, task, self.run_dir, context.settings.cache.root.resolve(),
                                      context.console)
        if self._stop_grace is not None:  # asked while the container was being made: it never starts
            self.container.stop(self._stop_grace)
        with setup.step("container"):
            self.container.start(self.repo)
            context.core.lifecycle.record_runtime(snapshot.id, container_id=self.container.container_id)
        leftover = setup.close()  # before the setup script's own lines, which share the console
        if leftover:
            context.console(leftover)
        self.container.run_setup(self.repo)
        if not snapshot.container_use_image_env:
            with setup.step("environment"):
                self._env_bin = self.container.environments().prepare(
                    snapshot.binary, snapshot.requirements, self.repo, context.record_packages, context.in_use,
                    output=setup.output)

    def launch(self) -> None:
        assert self.container is not None, "prepare() comes first"
        # Inside, the slot's GPU comes as a device request and is the container's device 0.
        extra_env = {k: v for k, v in self.context.settings.extra_env.items() if k != "CUDA_VISIBLE_DEVICES"}
        env_bin, binary = self._env_bin, self.snapshot.binary
        interpreter = str(env_bin / "python") if env_bin is not None and is_python(binary) else None
        self._command = build_command(self.snapshot, self.repo, self.run_dir / "config", env_bin, extra_env,
                                      interpreter or binary, base_env=self.container.base_env)

    def start(self, console: BatchSink) -> ContainerRun:
        assert self.container is not None, "prepare() comes first"
        assert self._command is not None, "launch() comes first"
        self.container.launch(self._command, console)
        return self.container

    def stop(self, grace: float) -> None:
        """Before the task starts, the container (its setup, its environment) is killed at once."""
        self._stop_grace = grace
        if self.container is not None:
            self.container.stop(grace)

    def close(self) -> None:
        if self.container is not None:
            self.container.close()
            self.container = None
