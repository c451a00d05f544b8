"""sbatch, one squeue for all of our jobs, scancel: Slurm's own commands, run with argv lists (never a shell)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.slurm.script import task_of_job

TIMEOUT_S = 60.0  # a slurmctld that does not answer in this long is taken as unreachable for this poll
# Job states in which Slurm still holds or runs the job.
WAITING = frozenset({"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SUSPENDED"})
ACTIVE = frozenset({"CONFIGURING", "RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING"})


@dataclass(frozen=True)
class JobState:
    job_id: str
    task_id: str
    state: str  # PENDING, RUNNING, COMPLETED, TIMEOUT, ...
    reason: str  # why it is pending (Priority, Resources, ...); "None" otherwise

    @property
    def finished(self) -> bool:
        return self.state not in WAITING and self.state not in ACTIVE


class SlurmUnreachable(Exception):
    """A Slurm command that failed or did not answer: the poll is tried again, no task is judged by it."""


def _run(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SlurmUnreachable(f"{argv[0]}: {exc}") from exc
    if done.returncode != 0:
        raise SlurmUnreachable(f"{argv[0]}: {(done.stderr or done.stdout).strip()}")
    return done.stdout


def submit(argv: list[str]) -> str:
    """The new job's id, or StepFailed with sbatch's own words (a partition that does not exist...)."""
    try:
        out = _run(argv)
    except SlurmUnreachable as exc:
        raise StepFailed("Slurm refused the job", str(exc)) from exc
    return out.strip().split(";")[0]  # --parsable: "id" or "id;cluster"


def our_jobs() -> dict[str, JobState]:
    """Every job of ours Slurm still lists, finished ones included (for MinJobAge): one squeue for all."""
    out = _run(["squeue", "--noheader", "--me", "--states=all", "--format=%i|%T|%r|%j"])
    jobs: dict[str, JobState] = {}
    for line in out.splitlines():
        parts = line.split("|", 3)
        if len(parts) != 4:
            continue
        job_id, state, reason, name = (part.strip() for part in parts)
        task_id = task_of_job(name)
        if task_id is not None:
            jobs[job_id] = JobState(job_id, task_id, state.split()[0], reason)
    return jobs


def accounting_enabled() -> bool:
    """Whether the cluster keeps an accounting database (slurmdbd) that `sacct` reads."""
    for line in _run(["scontrol", "show", "config"]).splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "AccountingStorageType":
            return value.strip() not in ("", "accounting_storage/none")
    return False


def accounted(jobs: dict[str, str]) -> dict[str, JobState]:
    """The finished ones of these jobs (job id -> task id) as the accounting database recorded them: one sacct for
    all. A job it does not know (yet) is left out."""
    out = _run(["sacct", "--noheader", "--parsable2", "--allocations", f"--jobs={','.join(jobs)}",
                "--format=JobID,State"])
    found: dict[str, JobState] = {}
    for line in out.splitlines():
        job_id, _, state = line.partition("|")
        job_id, state = job_id.strip(), (state.split() or [""])[0]  # "CANCELLED by 0"
        if job_id in jobs and state:
            job = JobState(job_id, jobs[job_id], state, "None")
            if job.finished:
                found[job_id] = job
    return found


def cancel(job_id: str, signal: str | None = None) -> None:
    """`scancel` the job, or with `signal` send only the batch step's runner that signal; a job that is gone
    already is no error."""
    argv = ["scancel", *([f"--signal={signal}", "--batch"] if signal else []), job_id]
    subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)
