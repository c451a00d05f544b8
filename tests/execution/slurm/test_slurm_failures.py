"""Jobs that end without their runner's word: killed outright or gone from squeue with no exit file (lost, with the
job id), their node failed (NODE_FAIL), over their memory (OUT_OF_MEMORY, where the node enforces it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.execution.slurm.script import JobFiles
from tasktune_gui.execution.slurm.submitter import SlurmSubmitter, SubmitConfig
from tests.support.git import make_repo
from tests.support.runs import add_task, console, status
from tests.support.slurm import (
    NODE,
    PARTITION,
    SlurmCluster,
    hold_task,
    job_of_started_task,
    running_submitter,
    use_cluster,
)
from tests.support.waiting import wait_for, wait_until


def _queue_on(core: Core, tmp_path: Path, name: str, options: SlurmOptions) -> SubmitConfig:
    """A queue on the second cluster (the tests set its SLURM_CONF) and a submit process's settings for it."""
    core.queues.create(name, slurm=options)
    return SubmitConfig(queues=[name], db_url=core.store.url, state_dir=tmp_path / "slurm-state",
                        cache_dir=tmp_path / "cache", poll=0.2, abort_grace=3.0)


def test_a_job_killed_before_its_runner_could_say_fails_its_task_as_lost(
        sqlite_core: Core, hold_repo: Path, hpc: str, slurm: SlurmCluster, submitter: SlurmSubmitter,
        tmp_path: Path) -> None:
    release = tmp_path / "release"
    task_id = hold_task(sqlite_core, hold_repo, hpc, release)
    try:
        wait_for(sqlite_core, lambda: "started" in console(sqlite_core, task_id), 60, "the task's first line")
        job = sqlite_core.task_json(task_id)["slurm_job_id"]
        # SIGKILL to the batch step is the runner itself (the job script exec's it): no exit file is written.
        slurm.run("scancel", "--signal=KILL", "--batch", job)
        wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", 60, "the task failed")
    finally:
        release.touch()  # the script the runner started, should it outlive its runner
    record = sqlite_core.task_json(task_id)
    assert record["status_reason"] == f"lost (Slurm job {job})"
    assert "without an exit file" in record["status_message"]
    assert not JobFiles(submitter.config.state_dir, task_id).exit_file(job).exists()


def test_a_job_gone_from_squeue_with_no_exit_file_fails_its_task_as_lost(
        sqlite_core: Core, hold_repo: Path, forgetful_cluster: SlurmCluster, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    use_cluster(monkeypatch, forgetful_cluster)
    config = _queue_on(sqlite_core, tmp_path, "hpc", SlurmOptions(PARTITION, cpus="1", time="5"))
    release = tmp_path / "release"
    task_id = hold_task(sqlite_core, hold_repo, "hpc", release)
    try:
        job = job_of_started_task(sqlite_core, config, task_id)
        # No submit process sees it end: killed with no exit file, then forgotten (MinJobAge 2 s, no accounting).
        forgetful_cluster.run("scancel", "--signal=KILL", "--batch", job)
        wait_until(lambda: not forgetful_cluster.lists(job), 60, "the job gone from squeue")
        assert status(sqlite_core, task_id) == "running"
        with running_submitter(sqlite_core, config):
            wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", 60, "the task failed")
    finally:
        release.touch()
        forgetful_cluster.cancel_all()
    record = sqlite_core.task_json(task_id)
    assert record["status_reason"] == f"lost (Slurm job {job})"
    assert record["status_message"] == f"Slurm job {job} vanished without an exit file"


def test_a_failed_node_fails_the_task_node_fail(sqlite_core: Core, hold_repo: Path, slurm: SlurmCluster,
                                               submitter: SlurmSubmitter, tmp_path: Path) -> None:
    # Without --no-requeue Slurm requeues a job whose node failed, and the task runs again (as a requeue).
    sqlite_core.queues.create("fragile", slurm=SlurmOptions(PARTITION, cpus="1", sbatch={"no-requeue": ""}))
    submitter.config.queues.append("fragile")
    release = tmp_path / "release"
    task_id = hold_task(sqlite_core, hold_repo, "fragile", release)
    try:
        wait_for(sqlite_core, lambda: "started" in console(sqlite_core, task_id), 60, "the task's first line")
        slurm.run("scontrol", "update", f"nodename={NODE}", "state=down", "reason=tasktune-test")
        wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", 60, "the task failed")
    finally:
        release.touch()
        slurm.node_back()  # the session's other tests need the node
    assert sqlite_core.task_json(task_id)["status_reason"] == "NODE_FAIL"


# Takes memory 50 MB at a time (written, so it is resident) until the job's limit stops it.
HOG_SCRIPT = '''\
held = []
for _ in range(100):
    held.append(b"x" * (50 * 1024 * 1024))
print("never over the limit", flush=True)
'''


def test_a_job_over_its_memory_fails_the_task_out_of_memory(sqlite_core: Core, forgetful_cluster: SlurmCluster,
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_cluster(monkeypatch, forgetful_cluster)
    config = _queue_on(sqlite_core, tmp_path, "small", SlurmOptions(PARTITION, cpus="1", mem="400M", time="5"))
    repo = make_repo(tmp_path / "hog-source", {"hog.py": HOG_SCRIPT})
    task_id = add_task(sqlite_core, repo, queue="small", entry_point="hog.py")
    try:
        with running_submitter(sqlite_core, config):
            wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", 120, "the task failed")
    finally:
        forgetful_cluster.cancel_all()
    record = sqlite_core.task_json(task_id)
    assert record["status_reason"] == "OUT_OF_MEMORY"
    assert "memory limit" in record["status_message"]
    assert "never over the limit" not in console(sqlite_core, task_id)
