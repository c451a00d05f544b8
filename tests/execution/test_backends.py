"""A backend is one module and one registration: a toy one, written here, runs tasks end to end through a worker."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.execution.backends import default_backends
from tasktune_gui.execution.cache.workspace import prepare_workspace
from tasktune_gui.execution.run.backend import Outcome, RunContext
from tasktune_gui.execution.run.console import BatchSink, ConsoleCapture
from tasktune_gui.execution.run.launch import Command, build_command
from tasktune_gui.execution.run.sdk_channel import EVENTS_VARIABLE, shared_sdk
from tasktune_gui.execution.run.setup_log import SetupLog
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for

SCRIPT = """\
import sys
from tasktune_gui import sdk
print("toy says hello")
for step in range(3):
    sdk.report_scalar("loss", "train", 1.0 / (step + 1), step)
sys.stderr.write("toy's last words\\n")
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
"""


class ToyProcess:
    """A plain subprocess: what a scheduler's job is to a Slurm backend."""

    def __init__(self, command: Command, console: BatchSink) -> None:
        self.process = subprocess.Popen(command.argv, cwd=command.cwd, env=command.env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.capture = ConsoleCapture(console)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.capture.read({"stdout": self.process.stdout, "stderr": self.process.stderr})
        self.pid: int | None = self.process.pid
        self.host = "toy-cluster"
        self.events: Path | None = Path(command.env[EVENTS_VARIABLE])
        self.stopped = False

    def ended_within(self, seconds: float) -> bool:
        return False

    def stop(self, grace: float) -> None:
        self.stopped = True
        self.process.terminate()

    def wait(self) -> Outcome:
        code = self.process.wait()
        self.capture.join_readers(5.0)
        self.capture.close()
        return Outcome(code, self.stopped, list(self.capture.last_stderr))


class ToyBackend:
    """Workspace on this machine, the machine's own interpreter, no environment: the protocol and nothing else."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
        self.repo = context.run_dir / "repo"
        self.command: Command | None = None
        self.steps: list[str] = []

    def workspace(self, setup: SetupLog) -> str:
        snapshot = self.context.snapshot
        return prepare_workspace(self.context.settings.cache, snapshot.source, snapshot.diff, self.repo, setup.step)

    def prepare(self, setup: SetupLog) -> None:
        with setup.step("queue on the toy cluster"):
            pass

    def launch(self) -> None:
        settings = self.context.settings
        self.command = build_command(self.context.snapshot, self.repo, self.context.run_dir / "config", None,
                                     settings.extra_env, "python3", sdk_lib=shared_sdk(settings.cache.root / "sdk"))

    def start(self, console: BatchSink) -> ToyProcess:
        assert self.command is not None
        return ToyProcess(self.command, console)

    def stop(self, grace: float) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_backend_registered_here_runs_tasks_end_to_end(sqlite_core: Core, repo: Path, tmp_path: Path) -> None:
    (repo / "toy.py").write_text(SCRIPT)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "toy")
    backends = default_backends()
    backends.register("toy", ToyBackend)
    config = WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache", backend="toy", backends=backends)
    worker = Worker(sqlite_core, config)
    worker.start()
    try:
        passing = add_task(sqlite_core, repo, entry_point="toy.py")
        failing = add_task(sqlite_core, repo, entry_point="toy.py",
                           hyperparameters={"Args": {"code": {"value": "3", "type": "positional", "description": ""}}})
        for task_id in (passing, failing):
            wait_for(sqlite_core, lambda task_id=task_id: status(sqlite_core, task_id) in ("completed", "failed"),
                     what="the toy's task to end")
    finally:
        worker.stop()
    task = sqlite_core.tasks.get(passing)
    assert task.status == "completed"
    assert task.host == "toy-cluster"  # the handle's host and pid are recorded as a local run's
    lines = {(line.stream, line.text) for line in sqlite_core.results.console(passing)}
    assert lines == {("stdout", "toy says hello"), ("stderr", "toy's last words")}
    setup = [line.text for line in sqlite_core.results.console(passing, setup=True) if line.stream != "stdout"]
    assert any("queue on the toy cluster" in text for text in setup)
    assert [(p.iteration, p.value) for p in sqlite_core.results.scalars(passing)] == [(0, 1.0), (1, 0.5), (2, 1 / 3)]
    failed = sqlite_core.tasks.get(failing)
    assert (failed.status, failed.status_reason) == ("failed", "exit code 3")
    assert "toy's last words" in failed.status_message


def test_a_mode_no_backend_is_registered_for_fails_the_task_saying_so(sqlite_core: Core, repo: Path,
                                                                       tmp_path: Path) -> None:
    config = WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache", backend="slurm")
    worker = Worker(sqlite_core, config)
    worker.start()
    try:
        task_id = add_task(sqlite_core, repo)
        wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", what="the task to fail")
    finally:
        worker.stop()
    task = sqlite_core.tasks.get(task_id)
    assert task.status_reason == "no backend 'slurm' in this worker"
    assert "local" in task.status_message
