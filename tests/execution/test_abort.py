"""Abort stops the task's whole process tree, grandchildren that left the session too; never Completed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import commit_files
from tests.support.processes import gone
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for

# The grandchild leaves the session and ignores SIGTERM: only a SIGKILL after the grace period ends it.
SPAWN_SCRIPT = """\
import os, signal, subprocess, sys
GRANDCHILD = (
    "import os, signal; os.setsid(); signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('pid', os.getpid(), flush=True); signal.pause()"
)
CHILD = (
    "import os, signal, subprocess, sys; subprocess.Popen([sys.executable, '-c', %r]); "
    "print('pid', os.getpid(), flush=True); signal.pause()"
) % GRANDCHILD
subprocess.Popen([sys.executable, "-c", CHILD])
print("pid", os.getpid(), flush=True)
signal.pause()
"""


@pytest.fixture
def spawning_repo(repo: Path) -> Path:
    return commit_files(repo, {"spawn.py": SPAWN_SCRIPT}, "spawn")


def pids_of(core: Core, task_id: str) -> list[int]:
    return [int(line.text.split()[1]) for line in core.results.console(task_id) if line.text.startswith("pid ")]


def test_abort_kills_children_and_grandchildren(sqlite_core: Core, quick_worker: Worker, spawning_repo: Path) -> None:
    task_id = add_task(sqlite_core, spawning_repo, entry_point="spawn.py")
    pids = wait_for(sqlite_core, lambda: len(pids_of(sqlite_core, task_id)) == 3 and pids_of(sqlite_core, task_id),
                    what="three processes")
    asked = time.monotonic()
    sqlite_core.lifecycle.abort(task_id)
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "aborted", what="aborted")
    took = time.monotonic() - asked
    assert all(gone(pid) for pid in pids)
    task = sqlite_core.tasks.get(task_id)
    assert task.status_reason == "user abort"
    assert took < 1.0 + 3.0  # the grace period of the SIGTERM-proof grandchild, plus slack for a busy machine


def test_stopping_the_worker_aborts_never_completes(sqlite_core: Core, worker_config: WorkerConfig,
                                                     spawning_repo: Path) -> None:
    worker_config.abort_grace = 1.0
    worker = Worker(sqlite_core, worker_config)
    worker.start()
    task_id = add_task(sqlite_core, spawning_repo, entry_point="spawn.py")
    pids = wait_for(sqlite_core, lambda: len(pids_of(sqlite_core, task_id)) == 3 and pids_of(sqlite_core, task_id),
                    what="three processes")
    worker.stop()
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "aborted"
    assert task.status_reason == "worker stopped"
    assert all(gone(pid) for pid in pids)
    assert sqlite_core.workers.online(since=task.created) == []
