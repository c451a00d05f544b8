"""The watchdog in one process (SQLite and PostgreSQL): silent workers' tasks fail "worker lost"; a restarted worker
cleans up its own."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.watchdog import fail_lost
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.runs import add_task


def test_restarted_worker_fails_what_it_left_running(core: Core, worker_config: WorkerConfig,
                                                      repo: Path) -> None:
    task_id = add_task(core, repo)
    core.workers.register("host", 1, ["default"], worker_id="lab-1")
    assert core.queues.pop(["default"], "lab-1", "host", 1) == task_id
    worker_config.worker_id = "lab-1"
    worker = Worker(core, worker_config)
    worker.register()
    worker.stop()
    task = core.tasks.get(task_id)
    assert (task.status, task.status_reason) == ("failed", "worker lost")


def test_fresh_heartbeat_is_left_alone_and_unknown_worker_is_lost(core: Core, repo: Path) -> None:
    alive = add_task(core, repo)
    orphan = add_task(core, repo)
    core.workers.register("host", 1, ["default"], worker_id="alive")
    assert core.queues.pop(["default"], "alive", "host", 1) == alive
    assert core.queues.pop(["default"], "gone", "host", 2) == orphan  # never registered, or unregistered
    assert fail_lost(core, timeout=30) == [orphan]
    assert core.tasks.get(alive).status == "running"
