"""`tasktune tray` watching a Slurm queue runs the submit process, the same engine as `worker --slurm`; a tray told
to watch Slurm and plain queues at once is refused in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tasktune_gui.core.api import Core
from tests.support.runs import status
from tests.support.slurm import SlurmCluster, hold_task
from tests.support.waiting import wait_for


def _tray(core: Core, tmp_path: Path, *queues: str) -> list[str]:
    watched = [word for queue in queues for word in ("--queue", queue)]
    return [sys.executable, "-m", "tasktune_gui.cli.main", "--db", core.store.url, "tray", *watched,
            "--cache-dir", str(tmp_path / "cache"), "--slurm-dir", str(tmp_path / "slurm-state")]


def test_the_tray_with_a_slurm_queue_submits_its_tasks_as_jobs(sqlite_core: Core, hold_repo: Path, hpc: str,
                                                               slurm: SlurmCluster, tmp_path: Path) -> None:
    released = tmp_path / "released"
    released.touch()
    task_id = hold_task(sqlite_core, hold_repo, hpc, released)
    said = tmp_path / "tray.err"
    env = {**slurm.client_env(), "QT_QPA_PLATFORM": "offscreen"}
    with said.open("w") as err:
        process = subprocess.Popen(_tray(sqlite_core, tmp_path, hpc), env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "completed", 120, "the task completed")
        assert sqlite_core.task_json(task_id)["slurm_job_id"]
    finally:
        process.terminate()
        process.wait(60)
    assert process.returncode == 0
    lines = said.read_text().splitlines()
    assert lines[0] == "tasktune tray: the Slurm submit process runs without a tray icon"
    assert lines[1].endswith(" submitting hpc to Slurm")  # `worker --slurm`'s own words: the same engine


def test_a_tray_of_slurm_and_plain_queues_is_refused(sqlite_core: Core, hpc: str, slurm: SlurmCluster,
                                                     tmp_path: Path) -> None:
    done = subprocess.run(_tray(sqlite_core, tmp_path, hpc, "default"), capture_output=True, text=True, timeout=120,
                          env={**os.environ, **slurm.env, "QT_QPA_PLATFORM": "offscreen"}, check=False)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "tasktune tray: queue(s) hpc run on Slurm and default here: start one tray for each"]
