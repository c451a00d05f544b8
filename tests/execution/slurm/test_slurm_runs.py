"""Tasks of a Slurm queue run as jobs on the test cluster: tuned values, exit codes, the console while it runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.execution.slurm.submitter import SlurmSubmitter
from tests.support.runs import add_task, finished, sections, tasktune_worker
from tests.support.slurm import SlurmCluster
from tests.support.waiting import wait_for


def test_a_task_runs_in_a_job_with_its_tuned_values(sqlite_core: Core, repo: Path, hpc: str,
                                                    submitter: SlurmSubmitter) -> None:
    task_id = add_task(sqlite_core, repo, queue=hpc, hyperparameters=sections(
        {"Args": {"lr": "0.5", "source": "a b", "target": "$(touch pwned)"}, "Environment": {"EXIT_CODE": "0"}}))
    assert finished(sqlite_core, task_id) == "completed"
    record = sqlite_core.task_json(task_id)
    assert record["slurm_job_id"] == submitter.submitted[0]
    printed = json.loads(next(text for text in (line.text for line in sqlite_core.results.console(task_id))
                              if text.startswith("{")))
    assert (printed["args"]["lr"], printed["args"]["source"], printed["args"]["target"]) == (0.5, "a b",
                                                                                             "$(touch pwned)")
    assert printed["env"]["SLURM_JOB_ID"] == record["slurm_job_id"]  # it ran inside the job
    assert record["runtime"]["exit_code"] == 0


def test_exit_codes_decide_failed(sqlite_core: Core, repo: Path, hpc: str, submitter: SlurmSubmitter) -> None:
    task_id = add_task(sqlite_core, repo, queue=hpc, hyperparameters=sections(
        {"Args": {"source": "a", "target": "b"}, "Environment": {"EXIT_CODE": "3"}}))
    assert finished(sqlite_core, task_id) == "failed"
    record = sqlite_core.task_json(task_id)
    assert (record["status_reason"], record["runtime"]["exit_code"]) == ("exit code 3", 3)
    wait_for(sqlite_core, lambda: not sqlite_core.slurm.held([hpc], []), what="nothing held any more")


def test_resources_within_the_queue_reach_the_job_and_more_is_refused(
        sqlite_core: Core, repo: Path, hpc: str, slurm: SlurmCluster, submitter: SlurmSubmitter) -> None:
    args = {"source": "a", "target": "b"}
    fits = add_task(sqlite_core, repo, queue=hpc, hyperparameters=sections({"Args": args, "Resources": {"time": "2"}}))
    too_much = add_task(sqlite_core, repo, queue=hpc, hyperparameters=sections(
        {"Args": args, "Resources": {"cpus": "2"}}))
    assert finished(sqlite_core, too_much) == "failed"
    record = sqlite_core.task_json(too_much)
    assert record["status_reason"] == "resources refused"
    assert "Resources/cpus = 2 is more than" in record["status_message"]
    assert finished(sqlite_core, fits) == "completed"
    job = sqlite_core.task_json(fits)["slurm_job_id"]
    assert slurm.run("squeue", "-h", "--states=all", "-j", job, "-o", "%l").strip() == "2:00"


def test_worker_slurm_refuses_a_queue_not_on_slurm(sqlite_core: Core, slurm: SlurmCluster, tmp_path: Path) -> None:
    done = subprocess.run(tasktune_worker(sqlite_core.store.url, tmp_path / "cache", "--slurm", "--queue", "default"),
                          capture_output=True, text=True, env=slurm.client_env(), timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "tasktune worker: queue(s) default are not on Slurm: bind them with "
        "`tasktune queue set NAME --slurm PARTITION`"]


def test_a_job_slurm_refuses_fails_its_task_with_slurms_words(sqlite_core: Core, repo: Path, slurm: SlurmCluster,
                                                              submitter: SlurmSubmitter) -> None:
    sqlite_core.queues.create("nowhere", slurm=SlurmOptions("no-such-partition"))
    submitter.config.queues.append("nowhere")
    task_id = add_task(sqlite_core, repo, queue="nowhere")
    assert finished(sqlite_core, task_id) == "failed"
    record = sqlite_core.task_json(task_id)
    assert record["status_reason"] == "Slurm refused the job"
    assert "invalid partition" in record["status_message"].lower()
