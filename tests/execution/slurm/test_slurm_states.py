"""What a researcher reads while Slurm holds, runs, requeues or cancels a task's job, and aborts and dequeues."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.execution.slurm.submitter import SlurmSubmitter
from tests.support.runs import status
from tests.support.slurm import PARTITION, SlurmCluster, hold_task
from tests.support.waiting import wait_for, wait_until


def _job_state(slurm: SlurmCluster, job_id: str) -> str:
    return slurm.run("squeue", "-h", "--states=all", "-j", job_id, "-o", "%T").strip()


def _console(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id)]


def test_pending_reason_shown_then_dequeue_and_abort_cancel_the_jobs(
        sqlite_core: Core, hold_repo: Path, slurm: SlurmCluster, submitter: SlurmSubmitter, tmp_path: Path) -> None:
    sqlite_core.queues.create("later", slurm=SlurmOptions(PARTITION, cpus="1", sbatch={"begin": "now+3600"}))
    submitter.config.queues.append("later")
    first, second = (hold_task(sqlite_core, hold_repo, "later", tmp_path / "never") for _ in range(2))
    for task_id in (first, second):
        wait_for(sqlite_core, lambda t=task_id: "BeginTime" in sqlite_core.task_json(t)["status_reason"],
                 what="Slurm's pending reason on the task")
    record = sqlite_core.task_json(first)
    assert record["status"] == "pending"
    assert record["status_reason"] == f"Slurm: BeginTime (job {record['slurm_job_id']})"
    jobs = [sqlite_core.task_json(t)["slurm_job_id"] for t in (first, second)]
    sqlite_core.lifecycle.dequeue(first)
    sqlite_core.lifecycle.abort(second)
    for job in jobs:
        wait_until(lambda j=job: _job_state(slurm, j) == "CANCELLED", 30, "the job cancelled")
    assert (status(sqlite_core, first), status(sqlite_core, second)) == ("draft", "aborted")


def test_abort_of_a_running_task_ends_its_job(sqlite_core: Core, hold_repo: Path, hpc: str, slurm: SlurmCluster,
                                              submitter: SlurmSubmitter, tmp_path: Path) -> None:
    task_id = hold_task(sqlite_core, hold_repo, hpc, tmp_path / "never")
    wait_for(sqlite_core, lambda: "started" in _console(sqlite_core, task_id), 60, "the task's first line")
    job = sqlite_core.task_json(task_id)["slurm_job_id"]
    assert _job_state(slurm, job) == "RUNNING"
    sqlite_core.lifecycle.abort(task_id)
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "aborted", 30, "the task aborted")
    wait_until(lambda: _job_state(slurm, job) not in ("RUNNING", "PENDING", "COMPLETING"), 30, "the job gone")
    assert sqlite_core.task_json(task_id)["status_reason"] == "user abort"


def test_console_lines_arrive_while_the_job_runs(sqlite_core: Core, hold_repo: Path, hpc: str,
                                                 submitter: SlurmSubmitter, tmp_path: Path) -> None:
    release = tmp_path / "release"
    task_id = hold_task(sqlite_core, hold_repo, hpc, release, code=4)
    wait_for(sqlite_core, lambda: "started" in _console(sqlite_core, task_id), 60, "the first line, live")
    assert status(sqlite_core, task_id) == "running"
    release.touch()
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", 60, "the task's end")
    assert _console(sqlite_core, task_id) == ["started", "released"]
    assert sqlite_core.task_json(task_id)["status_reason"] == "exit code 4"


def test_a_requeued_job_runs_the_task_again_as_one_run(sqlite_core: Core, hold_repo: Path, hpc: str,
                                                       slurm: SlurmCluster, submitter: SlurmSubmitter,
                                                       tmp_path: Path) -> None:
    release = tmp_path / "release"
    task_id = hold_task(sqlite_core, hold_repo, hpc, release)
    wait_for(sqlite_core, lambda: "started" in _console(sqlite_core, task_id), 60, "the first run's first line")
    job = sqlite_core.task_json(task_id)["slurm_job_id"]
    slurm.run("scontrol", "requeue", job)
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "pending", 30, "the task pending again")
    # Slurm holds a requeued job for about two minutes (its BeginTime); the test does not wait for that.
    wait_until(lambda: _job_state(slurm, job) == "PENDING", 30, "the job pending again")
    slurm.run("scontrol", "update", f"JobId={job}", "StartTime=now")
    wait_for(sqlite_core, lambda: _console(sqlite_core, task_id).count("started") == 2, 120, "the second run")
    release.touch()
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "completed", 60, "the task completed")
    record = sqlite_core.task_json(task_id, with_history=True)
    assert record["slurm_job_id"] == job  # the same job, not a second submission
    assert [e["action"] for e in record["history"]].count("completed") == 1
    assert not [e for e in record["history"] if e["action"] == "failed"]


def test_a_job_cancelled_outside_tasktune_aborts_the_task(sqlite_core: Core, hold_repo: Path, hpc: str,
                                                          slurm: SlurmCluster, submitter: SlurmSubmitter,
                                                          tmp_path: Path) -> None:
    task_id = hold_task(sqlite_core, hold_repo, hpc, tmp_path / "never")
    wait_for(sqlite_core, lambda: "started" in _console(sqlite_core, task_id), 60, "the task's first line")
    slurm.run("scancel", sqlite_core.task_json(task_id)["slurm_job_id"])
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "aborted", 60, "the task aborted")
    assert sqlite_core.task_json(task_id)["status_reason"] == "cancelled in Slurm"


@pytest.mark.slow  # about 90 s: Slurm's shortest time limit is a minute, checked every 30 s
def test_time_limit_fails_the_task_timeout(sqlite_core: Core, hold_repo: Path, slurm: SlurmCluster,
                                           submitter: SlurmSubmitter, tmp_path: Path) -> None:
    sqlite_core.queues.create("short", slurm=SlurmOptions(PARTITION, cpus="1", time="1"))
    submitter.config.queues.append("short")
    task_id = hold_task(sqlite_core, hold_repo, "short", tmp_path / "never")
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", 180, "the task failed")
    assert sqlite_core.task_json(task_id)["status_reason"] == "TIMEOUT"
