"""Item 1: one worker's bad watchdog setting (or clock) must not fail another, healthy worker's task."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import psutil
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.models import utcnow
from tasktune_gui.execution.worker.watchdog import fail_lost
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.cli import Run
from tests.support.git import commit_files
from tests.support.runs import add_task, running_worker, status
from tests.support.waiting import wait_for

WAIT_SCRIPT = "import signal\nprint('started', flush=True)\nsignal.pause()\n"


@pytest.fixture
def wait_repo(repo: Path) -> Path:
    return commit_files(repo, {"wait.py": WAIT_SCRIPT}, "a script that waits")


def script_pid(core: Core, task_id: str) -> int | None:
    """The script's pid once recorded (a worker in this process is first recorded with its own)."""
    pid = core.tasks.get(task_id).pid
    return pid if pid not in (None, os.getpid()) else None


@pytest.mark.parametrize("timeout", ["-5", "0", "1", "nan"])
def test_worker_refuses_a_watchdog_timeout_under_the_floor(tt: Run, timeout: str) -> None:
    done = tt("worker", "--once", "--queue", "nosuch", "--watchdog-timeout", timeout)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "--watchdog-timeout must be at least 10 seconds" in done.stderr


def test_worker_config_refuses_a_short_timeout_in_process(core: Core, worker_config: WorkerConfig) -> None:
    worker_config.watchdog_timeout = 1.0
    with pytest.raises(InvalidValue, match="at least 10"):
        Worker(core, worker_config)


def test_a_short_judge_cannot_fail_a_healthy_workers_task(core: Core, repo: Path) -> None:
    task_id = add_task(core, repo)
    core.workers.register("host", 1, ["default"], worker_id="healthy", watchdog_timeout=30.0)
    assert core.queues.pop(["default"], "healthy", "host", 1) == task_id
    assert fail_lost(core, timeout=-5) == []  # the healthy worker's own 30 s decide
    assert status(core, task_id) == "running"


def test_a_wrong_clock_on_the_worker_does_not_make_it_lost(postgres_url: str, repo: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL heartbeats carry the server's time: a worker whose clock is an hour behind beats on time."""
    core = Core.open(postgres_url)
    try:
        task_id = add_task(core, repo)
        monkeypatch.setattr("tasktune_gui.core.registry.utcnow", lambda: utcnow() - timedelta(hours=1))
        core.workers.register("host", 1, ["default"], worker_id="late-clock", watchdog_timeout=30.0)
        assert core.queues.pop(["default"], "late-clock", "host", 1) == task_id
        core.workers.heartbeat("late-clock")
        monkeypatch.undo()
        assert fail_lost(core, timeout=30) == []
        assert status(core, task_id) == "running"
    finally:
        core.close()


def test_a_worker_stops_its_task_when_another_marked_it_lost(sqlite_core: Core, wait_repo: Path,
                                                             worker_config: WorkerConfig) -> None:
    worker_config.abort_grace = 2.0
    with running_worker(sqlite_core, worker_config) as worker:
        task_id = add_task(sqlite_core, wait_repo, entry_point="wait.py")
        pid = wait_for(sqlite_core, lambda: script_pid(sqlite_core, task_id), what="the script's pid")
        sqlite_core.lifecycle.fail(task_id, "worker lost", "a peer judged it lost")
        wait_for(sqlite_core, lambda: task_id in worker.finished, what="the run to be stopped")
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    task = sqlite_core.tasks.get(task_id)
    assert (task.status, task.status_reason) == ("failed", "worker lost")  # the peer's word stands
    console = [line.text for line in sqlite_core.results.console(task_id, setup=True)]
    assert any("marked Failed (worker lost) by someone else" in text and "stopping it" in text for text in console)
