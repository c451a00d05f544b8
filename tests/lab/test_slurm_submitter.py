"""The Slurm submit process in a lab, as a worker login: the writes it makes while Slurm holds a job, done here
directly through the core (core/slurm_jobs.py) as `worker --slurm` makes them, and a task run to the end on the
tests' one-node cluster by a submit process and a job runner logged in as the worker."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import NotPermitted
from tasktune_gui.core.history import events
from tasktune_gui.core.models import Task
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.core.status import Status
from tasktune_gui.execution.slurm.submitter import SubmitConfig
from tests.lab.test_permissions import raw
from tests.support import slurm as slurm_support
from tests.support.lab import Lab
from tests.support.runs import add_task, finished, sections
from tests.support.slurm import PARTITION, SlurmCluster, running_submitter

cluster = slurm_support.cluster  # the session's one-node cluster, as in tests/execution/slurm
slurm = slurm_support.slurm


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


def test_alices_task_runs_on_the_cluster_under_a_worker_login(lab_db: Lab, cores: dict[str, Core], repo: Path,
                                                             slurm: SlurmCluster, tmp_path: Path) -> None:  # noqa: F811
    alice, carol, gpu = cores["alice"], cores["carol"], cores["gpu"]
    carol.queues.create("hpc", slurm=SlurmOptions(PARTITION, cpus="1", time="5"))
    task_id = add_task(alice, repo, queue="hpc", hyperparameters=sections(
        {"Args": {"source": "a", "target": "b"}, "Environment": {"EXIT_CODE": "0"}}))
    config = SubmitConfig(queues=["hpc"], db_url=lab_db.url("gpu"), state_dir=tmp_path / "slurm-state",
                          cache_dir=tmp_path / "cache", poll=0.2, abort_grace=3.0)
    with running_submitter(gpu, config) as submitter:
        assert finished(alice, task_id) == "completed", alice.task_json(task_id)["status_message"]
    shown = alice.task_json(task_id)
    assert (shown["user"], shown["slurm_job_id"]) == ("alice", submitter.submitted[0])
    with alice.store.read() as session:
        assert {e.actor for e in events(session, task_id) if e.action in ("started", "completed")} == {"gpu"}
