"""A Slurm queue on a throwaway one-node cluster (munged, slurmctld, slurmd of its own): enqueue → Running p50
against Slurm's own submit → RUNNING p50 measured in the same run, abort → job gone, and the submit process's CPU
per task (JSON on stdout). Needs slurm-wlm and munge, as root."""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil  # noqa: E402

from bench.common import committed_repo, emit  # noqa: E402
from tasktune_gui.core.api import Core  # noqa: E402
from tasktune_gui.core.models import Task  # noqa: E402
from tasktune_gui.core.slurm import SlurmOptions  # noqa: E402
from tasktune_gui.execution.worker.wakeup import Wakeup  # noqa: E402
from tests.support.git import git  # noqa: E402
from tests.support.slurm import PARTITION, SlurmCluster  # noqa: E402

HOLD = "import pathlib, sys, time\nwhile not pathlib.Path(sys.argv[1]).exists():\n    time.sleep(0.05)\n"


def make_repo(folder: Path) -> Path:
    return committed_repo(folder / "repo", {"noop.py": "pass\n", "hold.py": HOLD})[0]


def until(condition: object, timeout: float = 120.0, step: float = 0.02) -> float:
    """Polls `condition` (a callable) until true; the monotonic time it was first seen true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return time.monotonic()
        time.sleep(step)
    raise TimeoutError(str(condition))


def job_state(cluster: SlurmCluster, job: str) -> str:
    return cluster.run("squeue", "-h", "--states=all", "-j", job, "-o", "%T").strip()


def slurm_own_latency(cluster: SlurmCluster, folder: Path, runs: int) -> list[float]:
    """sbatch → RUNNING as squeue shows it, for a job doing nothing."""
    found = []
    for n in range(runs):
        start = time.monotonic()
        job = cluster.run("sbatch", "--parsable", f"--partition={PARTITION}", "--cpus-per-task=1",
                          f"--output={folder / f'own{n}.out'}", "--wrap", "sleep 1").strip()
        found.append(until(lambda j=job: job_state(cluster, j) in ("RUNNING", "COMPLETING", "COMPLETED")) - start)
        until(lambda j=job: job_state(cluster, j) == "COMPLETED")
    return found


def task_of(core: Core, repo: Path, script: str, args: str = "") -> str:
    task = Task(id="", name="bench", repository=str(repo), entry_point=script, commit=git(repo, "rev-parse", "HEAD"))
    hyper = {"Args": {"path": {"value": args}}} if args else None
    return core.tasks.add(task, "bench", hyperparameters=hyper)


def wait_status(core: Core, wakeup: Wakeup, task_id: str, wanted: set[str]) -> float:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if core.tasks.get(task_id).status in wanted:
            return time.monotonic()
        wakeup.wait(0.02)
    raise TimeoutError(task_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-slurm-") as tmp:
        folder = Path(tmp)
        cluster = SlurmCluster(folder / "cluster")
        cluster.start()
        os.environ.update(cluster.env)
        core = Core.open(f"sqlite:///{folder / 'bench.db'}")
        submitter = None
        try:
            core.queues.create("hpc", slurm=SlurmOptions(PARTITION, cpus="1"))
            repo = make_repo(folder)
            own = slurm_own_latency(cluster, folder, options.runs)
            submitter = subprocess.Popen(
                [sys.executable, "-m", "tasktune_gui.cli.main", "--db", core.store.url, "worker", "--slurm",
                 "--queue", "hpc", "--cache-dir", str(folder / "cache"), "--abort-grace", "3"],
                stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **cluster.env})
            wakeup = Wakeup(core)
            warm = task_of(core, repo, "noop.py")  # the first run makes the node's mirror and environment
            core.lifecycle.enqueue(warm, "hpc")
            wait_status(core, wakeup, warm, {"completed", "failed"})
            cpu_before = sum(psutil.Process(submitter.pid).cpu_times()[:2])
            starts = []
            for _ in range(options.runs):
                task_id = task_of(core, repo, "noop.py")
                enqueued = time.monotonic()
                core.lifecycle.enqueue(task_id, "hpc")
                starts.append(wait_status(core, wakeup, task_id, {"running", "completed", "failed"}) - enqueued)
                wait_status(core, wakeup, task_id, {"completed", "failed"})
            cpu_per_task = (sum(psutil.Process(submitter.pid).cpu_times()[:2]) - cpu_before) / options.runs
            aborts = []
            for n in range(min(options.runs, 5)):
                task_id = task_of(core, repo, "hold.py", str(folder / f"never{n}"))
                core.lifecycle.enqueue(task_id, "hpc")
                wait_status(core, wakeup, task_id, {"running"})
                until(lambda t=task_id: core.task_json(t)["runtime"]["pid"], 60)  # the script itself runs
                job = core.task_json(task_id)["slurm_job_id"]
                asked = time.monotonic()
                core.lifecycle.abort(task_id)
                aborted = wait_status(core, wakeup, task_id, {"aborted", "failed"})
                gone = until(lambda j=job: job_state(cluster, j) not in ("RUNNING", "COMPLETING", "PENDING"), 60)
                aborts.append((aborted - asked, gone - asked))
            wakeup.close()
        finally:
            if submitter is not None:
                submitter.send_signal(signal.SIGTERM)
                submitter.wait(60)
            core.close()
            cluster.stop()
    own_p50, ours_p50 = statistics.median(own), statistics.median(starts)
    gone_p50 = statistics.median(g for _, g in aborts)
    emit({
        "slurm_submit_to_running_p50_s": round(own_p50, 3),
        "enqueue_to_running_p50_s": round(ours_p50, 3),
        "over_slurm_p50_s": round(ours_p50 - own_p50, 3),
        "abort_to_aborted_p50_s": round(statistics.median(a for a, _ in aborts), 3),
        "abort_to_job_gone_p50_s": round(gone_p50, 3),
        "submit_process_cpu_per_task_ms": round(cpu_per_task * 1000, 1),
        "runs": options.runs,
        "goal": "enqueue → Running within 0.5 s of Slurm's own; abort → job gone < 2 s",
        "ok": ours_p50 - own_p50 <= 0.5 and gone_p50 < 2.0,
    })


if __name__ == "__main__":
    main()
