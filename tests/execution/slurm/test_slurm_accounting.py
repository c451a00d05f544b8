"""With accounting (slurmdbd), a job squeue has forgotten is read from sacct: what Slurm said of it stands, where
the exit file alone could not say it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.execution.slurm.submitter import SubmitConfig
from tests.support.runs import status
from tests.support.slurm import PARTITION, SlurmCluster, hold_task, job_of_started_task, running_submitter, use_cluster
from tests.support.waiting import wait_for, wait_until


def _accounted_state(cluster: SlurmCluster, job: str) -> str:
    return cluster.run("sacct", "-n", "-P", "-X", f"--jobs={job}", "--format=State").strip()


def _queue(core: Core, tmp_path: Path) -> SubmitConfig:
    core.queues.create("hpc", slurm=SlurmOptions(PARTITION, cpus="1", time="5"))
    return SubmitConfig(queues=["hpc"], db_url=core.store.url, state_dir=tmp_path / "slurm-state",
                        cache_dir=tmp_path / "cache", poll=0.2, abort_grace=3.0)


def test_a_job_cancelled_while_the_submit_process_was_down_is_read_from_sacct(
        sqlite_core: Core, hold_repo: Path, accounting_cluster: SlurmCluster, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    use_cluster(monkeypatch, accounting_cluster)
    config = _queue(sqlite_core, tmp_path)
    release = tmp_path / "release"
    task_id = hold_task(sqlite_core, hold_repo, "hpc", release)
    try:
        job = job_of_started_task(sqlite_core, config, task_id)
        # While no submit process runs, someone cancels the job and Slurm forgets it (MinJobAge 2 s here).
        accounting_cluster.run("scancel", job)
        wait_until(lambda: not accounting_cluster.lists(job), 60, "the job gone from squeue")
        wait_until(lambda: _accounted_state(accounting_cluster, job).startswith("CANCELLED"), 60,
                   "the job's end in the accounting database")
        assert status(sqlite_core, task_id) == "running"
        with running_submitter(sqlite_core, config):
            wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "aborted", 60, "the task aborted")
    finally:
        release.touch()
        accounting_cluster.cancel_all()
    # The runner's exit file says only "signalled"; sacct says who ended the job.
    assert sqlite_core.task_json(task_id)["status_reason"] == "cancelled in Slurm"


def test_with_the_accounting_database_down_the_submit_process_goes_on(
        sqlite_core: Core, hold_repo: Path, accounting_cluster: SlurmCluster, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    use_cluster(monkeypatch, accounting_cluster)
    config = _queue(sqlite_core, tmp_path)
    release = tmp_path / "release"
    gone = hold_task(sqlite_core, hold_repo, "hpc", release)
    accounting_cluster.stop_dbd()
    try:
        job = job_of_started_task(sqlite_core, config, gone)
        accounting_cluster.run("scancel", job)
        wait_until(lambda: not accounting_cluster.lists(job), 60, "the job gone from squeue")
        released = tmp_path / "released"
        released.touch()
        later = hold_task(sqlite_core, hold_repo, "hpc", released)
        with running_submitter(sqlite_core, config):
            # sacct fails for the forgotten job: its exit file answers, and new tasks are still submitted.
            wait_for(sqlite_core, lambda: status(sqlite_core, later) == "completed", 120, "the later task completed")
            wait_for(sqlite_core, lambda: status(sqlite_core, gone) == "failed", 60, "the cancelled task ended")
    finally:
        release.touch()
        accounting_cluster.start_dbd()
        accounting_cluster.cancel_all()
    assert sqlite_core.task_json(gone)["status_reason"] == "signalled by Slurm"
