"""`tasktune worker` as a real process: --once, signals, the watchdog after a SIGKILL, several workers at once (on
SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import psutil
import pytest
from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import commit_files
from tests.support.runs import add_task, status, tasktune_worker
from tests.support.waiting import wait_for

WAIT_SCRIPT = "import signal\nprint('started', flush=True)\nsignal.pause()\n"
RECORD_SCRIPT = (
    "import os\nwith open(os.environ['RUN_LOG'], 'a') as log:\n    log.write(os.environ['TASKTUNE_TASK_ID'] + '\\n')\n"
)
# RECORD_SCRIPT, then held until as many tasks as there are workers have started. A worker runs one task at a
# time, so the first tasks go to every worker, which are then let go together and race for the rest.
CONTENDED_SCRIPT = RECORD_SCRIPT + """\
import pathlib, time
while len(pathlib.Path(os.environ['RUN_LOG']).read_text().split()) < int(os.environ['WORKERS']):
    time.sleep(0.01)
"""


@pytest.fixture
def scripts_repo(repo: Path) -> Path:
    return commit_files(repo, {"wait.py": WAIT_SCRIPT, "record.py": RECORD_SCRIPT, "contended.py": CONTENDED_SCRIPT},
                        "more scripts")


def test_once_runs_one_task_and_exits_zero(sqlite_core: Core, sqlite_url: str, scripts_repo: Path,
                                           tmp_path: Path) -> None:
    env_section = {"Environment": {"EXIT_CODE": {"value": "3", "type": "", "description": ""}}}
    positionals = {"source": {"value": "a", "type": "positional", "description": ""},
                   "target": {"value": "b", "type": "positional", "description": ""}}
    first = add_task(sqlite_core, scripts_repo, hyperparameters={**env_section, "Args": positionals})
    second = add_task(sqlite_core, scripts_repo, hyperparameters={"Args": positionals})
    argv = tasktune_worker(sqlite_url, tmp_path / "cache", "--once", "--queue", "default", "--queue", "new")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "created queue 'new'" in done.stderr
    assert status(sqlite_core, first) == "failed"  # the task's outcome does not change the exit status
    assert status(sqlite_core, second) == "pending"
    empty = subprocess.run(tasktune_worker(sqlite_url, tmp_path / "cache", "--once", "--queue", "new"),
                           capture_output=True, text=True, timeout=120, check=False)
    assert empty.returncode == 0


def test_once_waits_for_a_task(sqlite_core: Core, sqlite_url: str, scripts_repo: Path, tmp_path: Path) -> None:
    process = subprocess.Popen(tasktune_worker(sqlite_url, tmp_path / "cache", "--once", "--wait", "60"),
                               stderr=subprocess.DEVNULL)
    wait_for(sqlite_core, lambda: sqlite_core.queues.summaries()[0].workers == 1, what="the worker registered")
    task_id = add_task(sqlite_core, scripts_repo, entry_point="record.py",
                       hyperparameters={"Environment": {"RUN_LOG": {"value": str(tmp_path / "log"), "type": "",
                                                                       "description": ""}}})
    assert process.wait(timeout=120) == 0
    assert status(sqlite_core, task_id) == "completed"


def test_sigterm_aborts_the_running_task(sqlite_core: Core, sqlite_url: str, scripts_repo: Path,
                                         tmp_path: Path) -> None:
    process = subprocess.Popen(tasktune_worker(sqlite_url, tmp_path / "cache", "--abort-grace", "2"),
                               stderr=subprocess.DEVNULL)
    task_id = add_task(sqlite_core, scripts_repo, entry_point="wait.py")
    wait_for(sqlite_core, lambda: sqlite_core.tasks.get(task_id).pid is not None, what="the script's pid")
    script_pid = sqlite_core.tasks.get(task_id).pid
    assert script_pid is not None
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    task = sqlite_core.tasks.get(task_id)
    assert (task.status, task.status_reason) == ("aborted", "worker stopped")
    assert not psutil.pid_exists(script_pid) or psutil.Process(script_pid).status() == psutil.STATUS_ZOMBIE


def test_killed_worker_task_is_failed_by_another_workers_watchdog(
    sqlite_core: Core, sqlite_url: str, scripts_repo: Path, tmp_path: Path
) -> None:
    doomed = subprocess.Popen(tasktune_worker(sqlite_url, tmp_path / "cache1", "--heartbeat", "0.2",
                                              "--watchdog-timeout", "1.5"),
                              stderr=subprocess.DEVNULL)
    task_id = add_task(sqlite_core, scripts_repo, entry_point="wait.py")
    wait_for(sqlite_core, lambda: sqlite_core.tasks.get(task_id).pid is not None, what="the script's pid")
    orphan = sqlite_core.tasks.get(task_id).pid
    doomed.kill()
    doomed.wait(timeout=30)
    config = WorkerConfig(queues=["other"], cache_dir=tmp_path / "cache2", heartbeat_interval=0.2,
                          watchdog_timeout=1.5)
    survivor = Worker(sqlite_core, config)
    survivor.start()
    try:
        wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", timeout=30, what="worker lost")
        assert sqlite_core.tasks.get(task_id).status_reason == "worker lost"
    finally:
        survivor.stop()
        if orphan is not None:  # the dead worker could not stop its script; do it for it (if its pipe has not)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(orphan, signal.SIGKILL)


def completed_count(core: Core, ids: list[str]) -> int:
    with core.store.read() as session:
        statuses = session.exec(select(Task.status).where(col(Task.id).in_(ids))).all()
    return sum(1 for value in statuses if value == "completed")


@pytest.mark.timeout(900)
def test_four_worker_processes_run_each_task_exactly_once(core: Core, db_url: str, scripts_repo: Path,
                                                          tmp_path: Path) -> None:
    # Exactly-once needs workers popping at the same moment, not many tasks: contended.py holds the first four
    # tasks until each worker has one, then every pop that follows races three others.
    workers = 4
    count = workers * int(os.environ.get("TASKTUNE_STRESS_TASKS_PER_WORKER", "40"))
    log = tmp_path / "runs.log"
    env = {"Environment": {"RUN_LOG": {"value": str(log), "type": "", "description": ""},
                           "WORKERS": {"value": str(workers), "type": "", "description": ""}}}
    ids = [add_task(core, scripts_repo, entry_point="contended.py", hyperparameters=env) for _ in range(count)]
    processes = [subprocess.Popen(tasktune_worker(db_url, tmp_path / f"cache{n}", "--id", f"stress-{n}"),
                                  stderr=subprocess.DEVNULL) for n in range(workers)]
    try:
        wait_for(core, lambda: completed_count(core, ids) == count, timeout=600, what="every task completed")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    runs = Counter(log.read_text().split())
    assert set(runs) == set(ids)
    assert set(runs.values()) == {1}
    assert len({core.tasks.get(t).worker for t in ids}) == workers
