"""The test cluster itself: a job submitted to it runs on its node and its output is written."""

from __future__ import annotations

from pathlib import Path

from tests.support.slurm import PARTITION, SlurmCluster
from tests.support.waiting import wait_until


def test_a_job_runs_on_the_test_cluster(slurm: SlurmCluster, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    job = slurm.run("sbatch", "--parsable", "-p", PARTITION, "-o", str(out), "--wrap", "echo hello").strip()
    wait_until(lambda: "COMPLETED" in slurm.run("squeue", "-h", "--states=all", "-j", job, "-o", "%T"), 60,
               "the job completed")
    assert out.read_text() == "hello\n"
