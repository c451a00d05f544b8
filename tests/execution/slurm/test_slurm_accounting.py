"""With accounting (slurmdbd), a job squeue has forgotten is read from sacct: what Slurm said of it stands, where
the exit file alone could not say it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.execution.slurm.submitter import SubmitConfig
from tests.support.runs import console, status
from tests.support.slurm import PARTITION, SlurmCluster, hold_task, running_submitter
from tests.support.waiting import wait_for, wait_until


def _accounted_state(cluster: SlurmCluster, job: str) -> str:
    return cluster.run("sacct", "-n", "-P", "-X", f"--jobs={job}", "--format=State").strip()


def test_a_job_cancelled_while_the_submit_process_was_down_is_read_from_sacct(
        sqlite_core: Core, hold_repo: Path, accounting_cluster: SlurmCluster, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    for name, value in accounting_cluster.env.items():
        monkeypatch.setenv(name, value)
    sqlite_core.queues.create("hpc", slurm=SlurmOptions(PARTITION, cpus="1", time="5"))
    config = SubmitConfig(queues=["hpc"], db_url=sqlite_core.store.url, state_dir=tmp_path / "slurm-state",
                          cache_dir=tmp_path / "cache", poll=0.2, abort_grace=3.0)
    release = tmp_path / "release"
    task_id = hold_task(sqlite_core, hold_repo, "hpc", release)
    try:
        with running_submitter(sqlite_core, config):
            wait_for(sqlite_core, lambda: "started" in console(sqlite_core, task_id), 60, "the task's first line")
        job = sqlite_core.task_json(task_id)["slurm_job_id"]
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
