"""The submit process as a researcher runs it (`tasktune worker --slurm`): killed and restarted while its jobs run,
it finds them again and submits nothing twice; many tasks through the two-slot node, each exactly once."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.slurm.script import task_of_job
from tasktune_gui.execution.slurm.submitter import SlurmSubmitter
from tests.support.runs import add_task, sections, status, tasktune_worker
from tests.support.slurm import SlurmCluster
from tests.support.waiting import wait_for


def _jobs_by_task(slurm: SlurmCluster) -> collections.Counter[str]:
    """How many jobs Slurm has seen for each task (finished ones are listed for MinJobAge, 300 s)."""
    names = slurm.run("squeue", "-h", "--states=all", "-o", "%j").split()
    return collections.Counter(t for t in (task_of_job(name) for name in names) if t)


def _submit_process(sqlite_core: Core, tmp_path: Path, slurm: SlurmCluster) -> subprocess.Popen[bytes]:
    argv = tasktune_worker(sqlite_core.store.url, tmp_path / "cache", "--slurm", "--queue", "hpc",
                           "--slurm-dir", str(tmp_path / "slurm-state"), "--abort-grace", "3")
    return subprocess.Popen(argv, env=slurm.client_env(), stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_submit_process_killed_and_restarted_finds_its_jobs(sqlite_core: Core, hold_repo: Path, hpc: str,
                                                             slurm: SlurmCluster, tmp_path: Path) -> None:
    release = tmp_path / "release"
    tasks = [add_task(sqlite_core, hold_repo, queue=hpc, entry_point="hold.py",
                      hyperparameters=sections({"Args": {"hold": str(release)}})) for _ in range(3)]
    first = _submit_process(sqlite_core, tmp_path, slurm)
    try:
        # Two run (the node's two CPUs), the third waits in Slurm.
        wait_for(sqlite_core, lambda: sorted(status(sqlite_core, t) for t in tasks) == ["pending", "running",
                                                                                        "running"],
                 60, "two tasks running and one held by Slurm")
        wait_for(sqlite_core, lambda: all(sqlite_core.task_json(t)["slurm_job_id"] for t in tasks), 30,
                 "every task submitted")
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
        assert first.stderr is not None
        first.stderr.close()
    second = _submit_process(sqlite_core, tmp_path, slurm)
    try:
        release.touch()
        wait_for(sqlite_core, lambda: all(status(sqlite_core, t) == "completed" for t in tasks), 120,
                 "every task completed")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
        assert second.stderr is not None
        second.stderr.close()
    counts = _jobs_by_task(slurm)
    assert {t: counts[t] for t in tasks} == dict.fromkeys(tasks, 1)


@pytest.mark.slow  # 140-165 s here: fifty jobs (Slurm launch, a Python start, checkout, run) through two slots
def test_fifty_tasks_through_a_two_slot_node_each_exactly_once(sqlite_core: Core, repo: Path, hpc: str,
                                                                slurm: SlurmCluster,
                                                                submitter: SlurmSubmitter) -> None:
    tasks = [add_task(sqlite_core, repo, queue=hpc, name=f"t{i}", hyperparameters=sections(
        {"Args": {"source": str(i), "target": "x"}})) for i in range(50)]
    wait_for(sqlite_core, lambda: all(status(sqlite_core, t) == "completed" for t in tasks), 600,
             "fifty tasks completed")
    counts = _jobs_by_task(slurm)
    assert {t: counts[t] for t in tasks} == dict.fromkeys(tasks, 1)
    assert len(submitter.submitted) == len(set(submitter.submitted)) == 50
