"""A run's folder is moved aside at its end and deleted while the slot runs its next task."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.run import run_folders
from tasktune_gui.execution.run.run_folders import REMOVER
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import commit_files
from tests.support.runs import add_task, status


def test_the_slot_is_free_before_its_last_runs_folder_is_deleted(
        sqlite_core: Core, worker_config: WorkerConfig, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Deleting a checkout took a no-op task's slot 1.5 ms (p90 3.4 ms) after its final status, before its next task.
    released, deleting = threading.Event(), []

    def slow_delete(folder: Path) -> None:
        deleting.append(folder)
        released.wait(30)
        run_folders.shutil.rmtree(folder)

    monkeypatch.setattr(run_folders, "delete", slow_delete)
    commit_files(repo, {"noop.py": "pass\n"}, "a no-op")
    first, second = (add_task(sqlite_core, repo, entry_point="noop.py") for _ in range(2))
    runs = worker_config.cache_dir / "runs"
    worker = Worker(sqlite_core, worker_config)
    try:
        assert worker.run_once() == first and worker.run_once() == second  # neither waited for a deletion
        assert status(sqlite_core, first) == status(sqlite_core, second) == "completed"
        assert not (runs / first).exists()  # moved aside at once: the same task run again gets a fresh folder
        aside = sorted(runs.iterdir())  # the first one's deletion under way, the second's waiting for it
        assert len(aside) == 2 and all(path.name.endswith(".removing") for path in aside) and deleting[0] in aside
        released.set()
        assert REMOVER.wait_idle(10)
        assert list(runs.iterdir()) == []
    finally:
        released.set()
        worker.stop()


def test_folders_a_killed_worker_left_aside_go_when_a_worker_starts(
        sqlite_core: Core, worker_config: WorkerConfig) -> None:
    left = worker_config.cache_dir / "runs" / ".1234abcd.5678.removing"
    (left / "repo" / ".git").mkdir(parents=True)
    (left / "repo" / "train.py").write_text("pass\n")
    unrelated = worker_config.cache_dir / "runs" / "9876fedc"  # a run folder kept on purpose (--keep-workspace)
    unrelated.mkdir()
    worker = Worker(sqlite_core, worker_config)
    worker.start()
    worker.stop()  # waits for the removals under way
    assert not left.exists()
    assert unrelated.exists()
