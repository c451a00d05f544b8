"""Inside a Slurm job: the same run as a local worker's (workspace, diff, cached environment, the script with its
values, console and results straight to the database), then an exit file that the submit process takes as the
truth once Slurm has forgotten the job. Started by the job script as `python -m tasktune_gui.execution.slurm.job`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.status import Status
from tasktune_gui.execution.backends import default_backends
from tasktune_gui.execution.cache.environments import EnvironmentCache
from tasktune_gui.execution.cache.workspace import MirrorCache
from tasktune_gui.execution.run.backend import Outcome, RunSettings
from tasktune_gui.execution.run.task_run import MESSAGE_LINES, TaskRun
from tasktune_gui.execution.slurm.memory import OUT_OF_MEMORY, oom_kills
from tasktune_gui.execution.slurm.script import JobFiles

log = logging.getLogger(__name__)
HEARTBEAT_S = 2.0
ABORT_POLL_S = 0.2
WATCHDOG_S = 30.0


def runner_id(job_id: str) -> str:
    return f"slurm-job-{job_id}"


class JobRun(TaskRun):
    """A TaskRun that Slurm may end from outside: a SIGTERM that is no abort of ours (a time limit, a preemption,
    a requeue) stops the task without a final status; the submit process reads what happened from Slurm."""

    def __init__(self, core: Core, task_id: str, settings: RunSettings) -> None:
        super().__init__(core, task_id, settings)
        self.signalled = False
        self.exit_code: int | None = None

    def _report(self, outcome: Outcome, pid: int | None = None) -> None:
        self.exit_code = outcome.exit_code
        if not outcome.stopped and outcome.exit_code != 0 and oom_kills() > 0:
            # The job's memory limit (--mem) killed the script: Slurm's word, not a bare "exit code -9".
            message = "\n".join(["the job went over its memory limit (--mem) and the kernel killed the script",
                                 *outcome.last_stderr[-MESSAGE_LINES:]])
            self._finish(lambda: self.core.lifecycle.fail(self.task_id, OUT_OF_MEMORY, message, outcome.exit_code,
                                                          pid=pid, closing=self._closing))
            return
        super()._report(outcome, pid)

    def _finish(self, report: Callable[[], None]) -> None:
        if self.signalled:
            self.ending = True
            self._closing_alone()
            return
        super()._finish(report)


def _abort_requested(core: Core, task_id: str, worker: str) -> bool:
    with core.store.read() as session:
        task = session.get(Task, task_id)
        return task is None or task.abort_requested or task.status != Status.RUNNING or task.worker != worker


def _watch(core: Core, run: JobRun, worker: str, done: threading.Event) -> None:
    """Heartbeats, and an abort asked for in the window or the CLI, as a worker's monitor does."""
    beats = 0
    while not done.wait(ABORT_POLL_S):
        try:
            if not run.stopping and not run.ending and _abort_requested(core, run.task_id, worker):
                run.request_stop("abort requested")
            beats += 1
            if beats * ABORT_POLL_S >= HEARTBEAT_S:
                beats = 0
                core.workers.heartbeat(worker)
        except Exception:  # a database outage: the next round tries again
            log.exception("job runner: watching task %s", run.task_id)


def run_job(core: Core, task_id: str, job_id: str, files: JobFiles, cache_dir: Path, abort_grace: float) -> int:
    worker = runner_id(job_id)
    core.workers.register(socket.gethostname(), os.getpid(), [], 1, worker, "slurm job", WATCHDOG_S)
    outcome: dict[str, object] = {"job": job_id, "task": task_id, "started": False}
    try:
        if not core.slurm.start(task_id, job_id, worker, socket.gethostname(), os.getpid()):
            return 0  # dequeued, aborted or submitted again meanwhile: nothing to run
        outcome["started"] = True
        settings = RunSettings(cache=MirrorCache(cache_dir), environments=EnvironmentCache(cache_dir),
                               runs_dir=cache_dir / "runs", backends=default_backends(), abort_grace=abort_grace)
        run = JobRun(core, task_id, settings)

        def on_term(_signum: int, _frame: FrameType | None) -> None:
            # Ours (an abort: the flag is set before the signal) or Slurm's own (time limit, preemption, requeue).
            if not _abort_requested(core, task_id, worker):
                run.signalled = True
            run.request_stop("signalled by Slurm")

        signal.signal(signal.SIGTERM, on_term)
        done = threading.Event()
        watcher = threading.Thread(target=_watch, args=(core, run, worker, done), name="job-watch", daemon=True)
        watcher.start()
        try:
            run.run()
        finally:
            done.set()
            watcher.join()
        outcome.update(exit_code=run.exit_code, signalled=run.signalled)
        return 0
    finally:
        exit_file = files.exit_file(job_id)
        exit_file.write_text(json.dumps(outcome))
        core.workers.unregister(worker)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tasktune-slurm-job")
    parser.add_argument("--task", required=True)
    parser.add_argument("--exit-dir", type=Path, required=True)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--abort-grace", type=float, default=10.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    job_id = os.environ.get("SLURM_JOB_ID", "")
    if not job_id:
        print("tasktune-slurm-job: not inside a Slurm job (no SLURM_JOB_ID)", file=sys.stderr)
        return 2
    core = Core.open(os.environ.get("TASKTUNE_DB"))
    try:
        return run_job(core, args.task, job_id, JobFiles(args.exit_dir, args.task), args.cache_dir, args.abort_grace)
    finally:
        core.close()


if __name__ == "__main__":
    sys.exit(main())
