"""Every way Slurm says a job ended reads on its task as a researcher reads it, including states a one-node test
cluster cannot produce (BOOT_FAIL, DEADLINE, PREEMPTED without requeue): the submit process's step that follows
a job's state, given the state squeue or sacct reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.execution.slurm.commands import JobState
from tasktune_gui.execution.slurm.submitter import SlurmSubmitter, SubmitConfig
from tests.support.runs import add_task

JOB = "4242"


@pytest.mark.parametrize(("state", "status", "reason"), [
    ("TIMEOUT", "failed", "TIMEOUT"),
    ("OUT_OF_MEMORY", "failed", "OUT_OF_MEMORY"),
    ("NODE_FAIL", "failed", "NODE_FAIL"),
    ("BOOT_FAIL", "failed", "BOOT_FAIL"),
    ("DEADLINE", "failed", "DEADLINE"),
    ("PREEMPTED", "failed", "PREEMPTED"),
    ("CANCELLED", "aborted", "cancelled in Slurm"),
])
def test_slurms_end_state_decides_the_tasks(sqlite_core: Core, tmp_path: Path, state: str, status: str,
                                            reason: str) -> None:
    sqlite_core.queues.create("hpc", slurm=SlurmOptions("debug"))
    task_id = add_task(sqlite_core, tmp_path, queue="hpc")
    submitter = SlurmSubmitter(sqlite_core, SubmitConfig(queues=["hpc"], db_url=str(sqlite_core.store.url),
                                                         state_dir=tmp_path / "state", cache_dir=tmp_path / "cache"))
    assert sqlite_core.slurm.claim(["hpc"], submitter.id) is not None
    assert sqlite_core.slurm.record_job(task_id, JOB)
    assert sqlite_core.slurm.start(task_id, JOB, "runner", "node1", 1234)
    [held] = sqlite_core.slurm.held(["hpc"], [JOB])

    submitter._follow(held, {JOB: JobState(JOB, task_id, state, "None")})

    record = sqlite_core.task_record(task_id)
    assert (record.status, record.status_reason) == (status, reason)
