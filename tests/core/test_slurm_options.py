"""A queue's Slurm options and a task's Resources section bounded by them."""

from __future__ import annotations

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.models import Task
from tasktune_gui.core.slurm import SlurmOptions, job_resources, mem_megabytes, time_seconds


def test_slurm_time_and_memory_formats() -> None:
    assert [time_seconds(t) for t in ("90", "1:30", "2:00:00", "1-2", "1-0:30", "1-00:00:05")] == [
        5400, 90, 7200, 93600, 88200, 86405]
    assert [mem_megabytes(m) for m in ("500", "500M", "4G", "1T", "2048K")] == [500, 500, 4096, 1024 * 1024, 2]
    for bad in ("", "1h", "-5", "1:2:3:4"):
        with pytest.raises(InvalidValue):
            time_seconds(bad)


def test_resources_are_bounded_by_the_queue() -> None:
    queue = SlurmOptions("gpu", time="2:00:00", cpus="8", mem="32G", gpus="2")
    assert job_resources(queue, {}) == {"cpus": "8", "mem": "32G", "gpus": "2", "time": "2:00:00"}
    assert job_resources(queue, {"cpus": "2", "mem": "4G", "time": "30", "gpus": ""}) == {
        "cpus": "2", "mem": "4G", "gpus": "2", "time": "30"}
    for asked, message in (({"cpus": "9"}, "Resources/cpus = 9 is more than"),
                           ({"mem": "33G"}, "Resources/mem"), ({"time": "2:00:01"}, "Resources/time"),
                           ({"gpus": "x"}, "not a number of GPUs"), ({"disk": "1"}, "not a resource")):
        with pytest.raises(InvalidValue, match=message):
            job_resources(queue, asked)
    # What the queue leaves open, a task may ask for; Slurm's own limits still apply.
    assert job_resources(SlurmOptions("p"), {"cpus": "64"}) == {"cpus": "64"}


def test_options_round_trip_and_allow_list() -> None:
    options = SlurmOptions(" gpu ", account="lab", sbatch={"--constraint": "a100"}).checked()
    assert SlurmOptions.from_json(options.to_json()) == options == SlurmOptions(
        "gpu", account="lab", sbatch={"constraint": "a100"})
    for bad in ({"wrap": "rm -rf /"}, {"uid": "0"}, {"chdir": "/"}, {"output": "x"}):
        with pytest.raises(InvalidValue, match="is not allowed"):
            SlurmOptions("gpu", sbatch=bad).checked()
    with pytest.raises(InvalidValue):
        SlurmOptions("gpu", account="a b").checked()


def test_a_worker_never_pops_a_task_of_a_slurm_queue(sqlite_core: Core) -> None:
    sqlite_core.queues.create("hpc", slurm=SlurmOptions("gpu"))
    task_id = sqlite_core.tasks.add(Task(id="", name="t", repository="/r", entry_point="t.py"), "p", queue="hpc")
    assert sqlite_core.queues.pop(["hpc"], worker="w") is None
    assert sqlite_core.slurm.claim(["hpc"], "submitter") == (task_id, "hpc", SlurmOptions("gpu"))
    assert sqlite_core.tasks.get(task_id).status == "pending"  # held for its job, out of the queue
    assert sqlite_core.queues.entries("hpc") == []
