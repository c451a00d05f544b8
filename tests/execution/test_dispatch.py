"""Dispatch: queue priority, slots and GPUs (on SQLite and PostgreSQL), and an idle worker starting a task within
100 ms of its enqueue."""

from __future__ import annotations

import json
import statistics
import subprocess
import threading
from datetime import UTC
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import utcnow
from tasktune_gui.core.queues import Taken
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import git
from tests.support.runs import add_task, status, tasktune_worker
from tests.support.waiting import wait_for

POSITIONALS = {
    "Args": {
        "source": {"value": "a", "type": "positional", "description": ""},
        "target": {"value": "b", "type": "positional", "description": ""},
    }
}


@pytest.fixture
def noop_repo(repo: Path) -> Path:
    (repo / "noop.py").write_text("pass\n")
    (repo / "hold.py").write_text(
        "import os, signal\nprint(os.environ.get('CUDA_VISIBLE_DEVICES', '-'), flush=True)\nsignal.pause()\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "noop")
    return repo


def start_latencies(core: Core, repo: Path, count: int) -> list[float]:
    """Milliseconds from enqueue to the start time the worker recorded, for tasks enqueued one at a time."""
    latencies = []
    for _ in range(count):
        task_id = add_task(core, repo, queue=None, entry_point="noop.py")
        enqueued = utcnow()
        core.lifecycle.enqueue(task_id)
        wait_for(core, lambda task_id=task_id: status(core, task_id) == "completed", what="completed")
        started = core.tasks.get(task_id).started
        assert started is not None
        latencies.append((started.replace(tzinfo=UTC) - enqueued).total_seconds() * 1000)
    return latencies


def test_first_listed_queue_has_priority(core: Core, worker_config: WorkerConfig, noop_repo: Path) -> None:
    core.queues.ensure("high")
    core.queues.ensure("low")
    low = add_task(core, noop_repo, queue="low", entry_point="noop.py")
    high = add_task(core, noop_repo, queue="high", entry_point="noop.py")
    worker_config.queues = ["high", "low"]
    worker = Worker(core, worker_config)
    try:
        assert worker.run_once() == high
        assert worker.run_once() == low
        assert worker.run_once() is None
    finally:
        worker.stop()
    task = core.tasks.get(high)
    assert (task.status, task.worker, task.host) == ("completed", worker.id, worker.host)


def test_a_task_popped_as_the_worker_stops_has_ended_when_stop_returns(
        sqlite_core: Core, worker_config: WorkerConfig, noop_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # stop() aborts a task its dispatcher popped just as the stop began, and returns only once that run has
    # recorded its end: before, the run went on alone and wrote with a core its owner had closed meanwhile (the
    # window's embedded worker left two sqlite3 connections of a disposed engine to the garbage collector).
    task_id = add_task(sqlite_core, noop_repo, entry_point="hold.py")
    worker = Worker(sqlite_core, worker_config)
    make_run = worker._make_run
    popped = threading.Event()

    def made_once_the_stop_began(taken: Taken, settings: object) -> object:
        popped.set()
        assert worker._stopping.wait(60)  # the window of the race, held open
        return make_run(taken, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "_make_run", made_once_the_stop_began)
    worker.start()
    assert popped.wait(60)
    worker.stop()
    assert status(sqlite_core, task_id) == "aborted"


def test_embedded_worker_starts_a_task_within_100ms(sqlite_core: Core, worker: Worker, noop_repo: Path) -> None:
    start_latencies(sqlite_core, noop_repo, 1)  # the first run clones the mirror
    assert statistics.median(start_latencies(sqlite_core, noop_repo, 7)) < 100


def test_worker_process_starts_a_task_within_100ms(sqlite_core: Core, sqlite_url: str, noop_repo: Path,
                                                   tmp_path: Path) -> None:
    process = subprocess.Popen(tasktune_worker(sqlite_url, tmp_path / "cache"), stderr=subprocess.DEVNULL)
    try:
        wait_for(sqlite_core, lambda: sqlite_core.queues.summaries()[0].workers == 1, what="worker registered")
        start_latencies(sqlite_core, noop_repo, 1)
        assert statistics.median(start_latencies(sqlite_core, noop_repo, 7)) < 100
    finally:
        process.terminate()
        assert process.wait(timeout=60) == 0


def test_one_slot_per_gpu_each_with_its_own_device(core: Core, worker_config: WorkerConfig,
                                                    noop_repo: Path) -> None:
    worker_config.gpus = ["3", "5"]
    worker_config.abort_grace = 1.0
    worker = Worker(core, worker_config)
    worker.start()
    try:
        held = [add_task(core, noop_repo, entry_point="hold.py") for _ in range(2)]
        wait_for(core, lambda: all(core.results.console(t) for t in held), what="both running at once")
        assert {core.results.console(t)[0].text for t in held} == {"3", "5"}
        shown = add_task(core, noop_repo, hyperparameters=POSITIONALS)
        assert status(core, shown) == "pending"  # both slots are busy
        for task_id in held:
            core.lifecycle.abort(task_id)
        wait_for(core, lambda: status(core, shown) == "completed", what="the third task")
    finally:
        worker.stop()
    stdout = [line.text for line in core.results.console(shown) if line.stream == "stdout"]
    env = json.loads(stdout[0])["env"]
    assert env["CUDA_VISIBLE_DEVICES"] in ("3", "5")
    assert all(status(core, t) == "aborted" for t in held)
