"""The Slurm submit process in a lab, as a worker login: the writes it makes while Slurm holds a job, done here
directly through the core (core/slurm_jobs.py) as `worker --slurm` makes them, without a cluster (the one-node
cluster's tests live in tests/slurm)."""

from __future__ import annotations

import psycopg
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import NotPermitted
from tasktune_gui.core.models import Task
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.core.status import Status
from tests.lab.test_permissions import raw
from tests.support.lab import Lab


def queued(core: Core, queue: str, name: str) -> str:
    task_id = core.tasks.add(Task(id="", name=name, repository="/src", entry_point="train.py"), "vision")
    core.lifecycle.enqueue(task_id, queue)
    return task_id


def test_the_submit_process_writes_its_jobs_states_and_nothing_else(lab_db: Lab, cores: dict[str, Core]) -> None:
    alice, carol, gpu, gpu2 = cores["alice"], cores["carol"], cores["gpu"], cores["gpu2"]
    carol.queues.create("cluster", slurm=SlurmOptions(partition="debug"))
    timed_out, requeued, local = (queued(alice, "cluster", "timed out"), queued(alice, "cluster", "requeued"),
                                  queued(alice, "default", "local"))
    submitter = gpu.workers.register("login-node", 11, ["cluster"], 1, "slurm:login-node:11", "slurm", 600.0)
    gpu2.workers.register("other", 22, ["default"], 1, "other-w", "local", 600.0)
    # gpu2 serves no Slurm queue: it takes nothing from one and writes nothing of its tasks.
    with pytest.raises(NotPermitted):
        gpu2.slurm.claim(["cluster"], "other-w")
    with raw(lab_db, "gpu2") as conn:
        assert conn.execute("DELETE FROM queue_entry WHERE task_id = %s", (timed_out,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE task SET status_reason = 'x', slurm_job_id = '1' WHERE id = %s", (timed_out,))

    claimed = gpu.slurm.claim(["cluster"], submitter)
    assert claimed is not None and claimed[0] == timed_out
    assert gpu.slurm.record_job(timed_out, "101")
    gpu.slurm.pending_reason(timed_out, "Slurm: Priority (job 101)")
    shown = alice.task_json(timed_out)
    assert (shown["status"], shown["status_reason"], shown["slurm_job_id"]) == (
        "pending", "Slurm: Priority (job 101)", "101")
    assert gpu.slurm.end(timed_out, "101", Status.FAILED, "TIMEOUT")
    assert (alice.task_json(timed_out)["status"], alice.task_json(timed_out)["status_reason"]) == ("failed", "TIMEOUT")

    # The job's runner (the same login, from the job script's URL) runs it; Slurm requeues it; it runs again.
    claimed = gpu.slurm.claim(["cluster"], submitter)
    assert claimed is not None and claimed[0] == requeued
    assert gpu.slurm.record_job(requeued, "102")
    assert gpu.slurm.start(requeued, "102", "slurm-job-102", "node1", 4242)
    gpu.slurm.requeued(requeued, "102", "requeued by Slurm")
    assert alice.task_json(requeued)["status"] == "pending"
    assert gpu.slurm.start(requeued, "102", "slurm-job-102", "node1", 4243)
    assert gpu.slurm.end(requeued, "102", Status.COMPLETED, "", exit_code=0)
    assert alice.task_json(requeued)["status"] == "completed"

    with raw(lab_db, "gpu") as conn:  # what it serves is Slurm's queue: a local queue's task is not its to write
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE task SET status_reason = 'x' WHERE id = %s", (local,))
        assert conn.execute("DELETE FROM queue_entry WHERE task_id = %s", (local,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # and only the columns of a run
            conn.execute("UPDATE task SET name = 'x' WHERE id = %s", (timed_out,))
    assert alice.task_json(local)["status"] == "pending"
    assert [entry.task_id for entry in alice.queues.entries("default")] == [local]
