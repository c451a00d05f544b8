"""`tasktune worker --slurm`: the process on the submit host. It takes tasks from Slurm queues, submits one job
each, and on every poll reads all of its jobs with one squeue to show why Slurm holds them, to follow requeues, to
end tasks Slurm ended, and to cancel jobs whose task was aborted or dequeued."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition, InvalidValue
from tasktune_gui.core.slurm import RESOURCES_SECTION, SlurmOptions, job_resources
from tasktune_gui.core.slurm_jobs import SUBMITTING, HeldTask
from tasktune_gui.core.status import Status
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.slurm import commands
from tasktune_gui.execution.slurm.commands import JobState, SlurmUnreachable
from tasktune_gui.execution.slurm.memory import OUT_OF_MEMORY
from tasktune_gui.execution.slurm.script import JobFiles, job_script, sbatch_argv, write_job_script
from tasktune_gui.execution.worker.wakeup import Wakeup

log = logging.getLogger(__name__)
# Slurm's words for a job it ended, as the task's reason (the list); a state not here reads as itself.
FAILED_STATES = frozenset({"TIMEOUT", OUT_OF_MEMORY, "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "PREEMPTED"})
VANISHED_AFTER_S = 10.0  # a job neither listed nor with an exit file this long after we last saw it is lost


def lost(job_id: str) -> str:
    """The reason of a task whose job ended with no word from its runner (killed, or its node gone)."""
    return f"lost (Slurm job {job_id})"


@dataclass
class SubmitConfig:
    queues: list[str]
    db_url: str  # what the jobs' runners open: the compute nodes must reach it
    state_dir: Path  # job scripts, Slurm's output and the runners' exit files (shared with the nodes)
    cache_dir: Path  # the runners' mirrors, environments and run folders on the nodes
    worker_id: str | None = None
    python: str = sys.executable  # the nodes run the runner with this interpreter (the same path there)
    poll: float = 0.5
    heartbeat: float = 2.0
    abort_grace: float = 10.0
    watchdog_timeout: float = 30.0


@dataclass
class _Aborting:
    since: float
    killed: bool = False


@dataclass
class _Memory:
    """What the poll remembers between rounds: aborts under way, when a job was last listed."""

    aborting: dict[str, _Aborting] = field(default_factory=dict)
    last_seen: dict[str, float] = field(default_factory=dict)
    # Jobs whose task the last round read as Running: a job listed as pending after that was requeued (one only
    # just started may still be listed as pending by a squeue that ran before its runner marked the task).
    was_running: set[str] = field(default_factory=set)


class SlurmSubmitter:
    def __init__(self, core: Core, config: SubmitConfig) -> None:
        self.core = core
        self.config = config
        self.id = config.worker_id or f"slurm:{socket.gethostname()}:{os.getpid()}"
        self._stop = threading.Event()
        self._memory = _Memory()
        self.submitted: list[str] = []  # job ids, in order (the tests and the bench read it)
        self._accounting: bool | None = None  # whether sacct answers for jobs squeue has forgotten
        self.polls = 0

    # Life of the process.

    def register(self) -> str:
        self.core.workers.register(socket.gethostname(), os.getpid(), self.config.queues, 1, self.id, "slurm",
                                   self.config.watchdog_timeout)
        return self.id

    def stop(self) -> None:
        self._stop.set()

    def serve(self) -> None:
        """Submit and poll until `stop()`; a Slurm or database outage is retried on the next round. A wake-up (an
        enqueue, any commit) submits at once; squeue runs at most once per `poll`, however busy the database."""
        self.register()
        wakeup = Wakeup(self.core)
        next_beat = next_poll = 0.0
        try:
            while not self._stop.is_set():
                try:
                    if time.monotonic() >= next_poll:
                        next_poll = time.monotonic() + self.config.poll
                        self.poll()
                    self.submit_new()
                    if time.monotonic() >= next_beat:
                        next_beat = time.monotonic() + self.config.heartbeat
                        self.core.workers.heartbeat(self.id)
                except SlurmUnreachable as exc:
                    log.warning("Slurm: %s", exc)
                except Exception:
                    log.exception("slurm submit round failed")
                wakeup.wait(max(0.0, next_poll - time.monotonic()))
        finally:
            wakeup.close()
            self.core.workers.unregister(self.id)

    def round(self) -> None:
        """One poll and the submissions it allows."""
        self.poll()
        self.submit_new()

    def poll(self) -> None:
        """The state of every job of ours (one squeue), followed onto the tasks."""
        jobs = commands.our_jobs()
        self.polls += 1
        held = self.core.slurm.held(self.config.queues, list(jobs))
        gone = {task.job_id: task.task_id for task in held if task.job_id and task.job_id not in jobs
                and task.status in (Status.PENDING, Status.RUNNING)}
        if gone and self._has_accounting():
            try:
                jobs.update(commands.accounted(gone))  # what Slurm ended and squeue no longer lists (MinJobAge)
            except SlurmUnreachable as exc:  # slurmdbd down: the exit files answer, the rest of the poll goes on
                log.warning("Slurm accounting: %s", exc)
        for task in held:
            self._follow(task, jobs)
        listed_tasks = {job.task_id for job in jobs.values() if not job.finished}
        for task in held:  # claimed before a crash, not submitted (or submitted, not recorded)
            if task.status == Status.PENDING and not task.job_id and task.status_reason == SUBMITTING:
                found = next((j for j in jobs.values() if j.task_id == task.task_id and not j.finished), None)
                if found is not None:
                    self.core.slurm.record_job(task.task_id, found.job_id)
                elif task.task_id not in listed_tasks:
                    self._submit_held(task.task_id, task.queue)
        self._cancel_strays(jobs, held)
        self._memory.was_running = {task.job_id for task in held if task.status == Status.RUNNING and task.job_id}

    def _has_accounting(self) -> bool:
        if self._accounting is None:  # asked once; an unreachable slurmctld is asked again next round
            self._accounting = commands.accounting_enabled()
        return self._accounting

    def submit_new(self) -> None:
        """One job for each task waiting in the queues."""
        while not self._stop.is_set():
            claimed = self.core.slurm.claim(self.config.queues, self.id)
            if claimed is None:
                break
            self._submit(*claimed)

    # Submitting.

    def _submit_held(self, task_id: str, queue: str) -> None:
        options = self.core.queues.slurm_options(queue)
        if options is None:
            self.core.slurm.end(task_id, "", Status.FAILED, "queue no longer on Slurm")
            return
        self._submit(task_id, queue, options)

    def _submit(self, task_id: str, queue: str, options: SlurmOptions) -> None:
        files = JobFiles(self.config.state_dir, task_id)
        try:
            hyper = self.core.task_json(task_id)["hyperparams"].get(RESOURCES_SECTION, {})
            resources = job_resources(options, {name: field["value"] for name, field in hyper.items()})
            write_job_script(files, job_script(self.config.python, task_id, self.config.db_url, files,
                                               self.config.cache_dir, self.config.abort_grace))
            job_id = commands.submit(sbatch_argv(options, resources, task_id, files))
        except InvalidValue as exc:
            self.core.slurm.end(task_id, "", Status.FAILED, "resources refused", str(exc))
            return
        except StepFailed as exc:
            self.core.slurm.end(task_id, "", Status.FAILED, exc.reason, exc.detail)
            return
        self.submitted.append(job_id)
        self._memory.last_seen[job_id] = time.monotonic()
        if not self.core.slurm.record_job(task_id, job_id):
            commands.cancel(job_id)  # dequeued or aborted while it was being submitted

    # Following.

    def _follow(self, task: HeldTask, jobs: dict[str, JobState]) -> None:
        if not task.job_id:
            return
        job = jobs.get(task.job_id)
        now = time.monotonic()
        if job is not None:
            self._memory.last_seen[task.job_id] = now
        if task.status not in (Status.PENDING, Status.RUNNING):
            return  # ended or dequeued: _cancel_strays takes its job away
        if task.status == Status.RUNNING and task.abort_requested:
            self._abort(task, job, now)
            return
        if job is None:
            self._vanished(task, now)
            return
        if job.state in commands.WAITING:
            if task.status == Status.RUNNING and task.job_id in self._memory.was_running:
                self.core.slurm.requeued(task.task_id, task.job_id, "requeued by Slurm")
            elif task.status == Status.PENDING:
                self.core.slurm.pending_reason(task.task_id, f"Slurm: {job.reason} (job {job.job_id})")
        elif job.finished:
            self._ended(task, job)

    def _ended(self, task: HeldTask, job: JobState) -> None:
        """Slurm says the job ended: its runner's own final status stands; what it could not write, Slurm says."""
        if job.state in FAILED_STATES:
            self.core.slurm.end(task.task_id, task.job_id, Status.FAILED, job.state)
        elif job.state == "CANCELLED":
            self.core.slurm.end(task.task_id, task.job_id, Status.ABORTED, "cancelled in Slurm")
        else:
            self._from_exit_file(task, job.state)

    def _vanished(self, task: HeldTask, now: float) -> None:
        """Gone from squeue (past MinJobAge, or never seen by this process): the exit file is the truth."""
        seen = self._memory.last_seen.setdefault(task.job_id, now)
        if not self._from_exit_file(task, "") and now - seen > VANISHED_AFTER_S:
            self.core.slurm.end(task.task_id, task.job_id, Status.FAILED, lost(task.job_id),
                                f"Slurm job {task.job_id} vanished without an exit file")

    def _from_exit_file(self, task: HeldTask, state: str) -> bool:
        path = JobFiles(self.config.state_dir, task.task_id).exit_file(task.job_id)
        try:
            outcome = json.loads(path.read_text())
        except (OSError, ValueError):
            if state in ("COMPLETED", "FAILED"):  # the runner itself was killed before it could say
                self.core.slurm.end(task.task_id, task.job_id, Status.FAILED, lost(task.job_id),
                                    f"Slurm job {task.job_id} ended ({state}) without an exit file")
                return True
            return False
        code = outcome.get("exit_code")
        if outcome.get("signalled"):
            self.core.slurm.end(task.task_id, task.job_id, Status.FAILED, state or "signalled by Slurm")
        elif code == 0:
            self.core.slurm.end(task.task_id, task.job_id, Status.COMPLETED, "", exit_code=0)
        else:
            reason = f"exit code {code}" if code is not None else lost(task.job_id)
            self.core.slurm.end(task.task_id, task.job_id, Status.FAILED, reason, exit_code=code)
        return True

    # Aborts and dequeues.

    def _abort(self, task: HeldTask, job: JobState | None, now: float) -> None:
        """The runner stops the task itself on the flag; the job gets TERM now and the kill after the grace."""
        aborting = self._memory.aborting.get(task.job_id)
        if aborting is None:
            self._memory.aborting[task.job_id] = _Aborting(now)
            commands.cancel(task.job_id, "TERM")
            return
        if (job is None or job.finished or now - aborting.since > self.config.abort_grace) and not aborting.killed:
            aborting.killed = True
            commands.cancel(task.job_id)
            with contextlib.suppress(InvalidTransition):  # the runner recorded it
                self.core.lifecycle.mark_aborted(task.task_id)

    def _cancel_strays(self, jobs: dict[str, JobState], held: list[HeldTask]) -> None:
        """Jobs whose task is no longer theirs to run (dequeued, aborted while pending, ended): cancelled."""
        owners = {task.job_id: task for task in held if task.job_id}
        for job in jobs.values():
            if job.finished:
                continue
            task = owners.get(job.job_id)
            if task is not None and task.status in (Status.PENDING, Status.RUNNING):
                continue
            if task is None and job.job_id not in self._memory.last_seen:
                continue  # not one this process submitted, nor one a task of its queues names
            commands.cancel(job.job_id)
