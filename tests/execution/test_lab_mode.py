"""Lab mode on PostgreSQL: workers in other processes wake on NOTIFY, survive lost connections and a server
restart with every console line, and a paused worker takes nothing (each task run once by several worker
processes: tests/execution/test_worker_process.py, on PostgreSQL too)."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.execution.outage import run_through_restart
from tests.execution.test_dispatch import start_latencies
from tests.support.git import commit_files
from tests.support.postgres import PostgresCluster
from tests.support.runs import add_task, status, tasktune_worker
from tests.support.waiting import wait_for

LINES = 300
# Prints numbered lines for a few seconds; says on a side file when it is half way, so a test can cut the
# database then and find out (by the file, not by a sleep) that the task went on printing meanwhile.
CHATTY_SCRIPT = f"""\
import os, sys, time
for n in range({LINES}):
    print(f"line {{n}}", flush=True)
    if n == {LINES // 3}:
        open(os.environ["HALF_WAY"], "w").close()
    while n > {LINES // 3} and not os.path.exists(os.environ["GO_ON"]):
        time.sleep(0.01)
    if n == {2 * LINES // 3}:
        open(os.environ["LATE"], "w").close()
    time.sleep(0.005)
"""


@pytest.fixture
def lab_repo(repo: Path) -> Path:
    return commit_files(repo, {"noop.py": "pass\n", "chatty.py": CHATTY_SCRIPT}, "lab scripts")


def env_section(**values: str) -> dict[str, dict[str, dict[str, str]]]:
    return {"Environment": {k: {"value": v, "type": "", "description": ""} for k, v in values.items()}}


def test_notify_starts_a_task_in_another_process_at_once(
    pg_core: Core, postgres_url: str, lab_repo: Path, tmp_path: Path
) -> None:
    # The fallback poll is a minute: only the notification can start these tasks within the second.
    process = subprocess.Popen(tasktune_worker(postgres_url, tmp_path / "cache", "--fallback-poll", "60"),
                               stderr=subprocess.DEVNULL)
    try:
        wait_for(pg_core, lambda: pg_core.queues.summaries()[0].workers == 1, what="worker registered")
        start_latencies(pg_core, lab_repo, 1)  # the first run mirrors the repository
        latencies = start_latencies(pg_core, lab_repo, 7)
        assert statistics.median(latencies) < 200, latencies
        assert max(latencies) < 1000, latencies
    finally:
        process.terminate()
        assert process.wait(timeout=60) == 0


def run_chatty_through(pg_core: Core, postgres_url: str, repo: Path, tmp_path: Path,
                       outage: Callable[[Path], None]) -> str:
    """Start a chatty task on a worker process, call `outage(go_on)` half way through, let it finish; its id."""
    half_way, go_on, late = tmp_path / "half-way", tmp_path / "go-on", tmp_path / "late"
    process = subprocess.Popen(tasktune_worker(postgres_url, tmp_path / "cache", "--heartbeat", "0.2"),
                               stderr=subprocess.PIPE, text=True)
    try:
        task_id = add_task(pg_core, repo, entry_point="chatty.py",
                           hyperparameters=env_section(HALF_WAY=str(half_way), GO_ON=str(go_on), LATE=str(late)))
        wait_for(pg_core, half_way.exists, what="the task half way")
        outage(go_on)
        go_on.touch()
        wait_for(pg_core, lambda: status(pg_core, task_id) == "completed", timeout=120, what="the task completed")
        assert process.poll() is None, "the worker survived the outage"
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    lines = [line.text for line in pg_core.results.console(task_id)]
    assert lines == [f"line {n}" for n in range(LINES)]  # every line, in order, none twice
    return task_id


def test_a_worker_whose_connections_are_terminated_mid_task_finishes_with_the_full_console(
    pg_core: Core, postgres_url: str, postgres_cluster: PostgresCluster, lab_repo: Path, tmp_path: Path
) -> None:
    database = str(make_url(postgres_url).database)
    run_chatty_through(pg_core, postgres_url, lab_repo, tmp_path,
                       lambda _go_on: postgres_cluster.terminate_backends(database))


def test_a_worker_rides_out_a_server_restart_mid_task(
    pg_core: Core, postgres_url: str, postgres_cluster: PostgresCluster, lab_repo: Path, tmp_path: Path
) -> None:
    def restart(go_on: Path) -> None:
        postgres_cluster.stop()
        go_on.touch()
        # The server stays down until the task has printed another third of its lines; they wait in the spool.
        wait_for(pg_core, (tmp_path / "late").exists, what="lines printed while the server was down")
        postgres_cluster.start_server()

    task_id = run_chatty_through(pg_core, postgres_url, lab_repo, tmp_path, restart)
    assert pg_core.tasks.get(task_id).status_reason == ""


def test_a_paused_worker_takes_nothing_until_resumed(
    db_url: str, lab_repo: Path, worker_config: WorkerConfig
) -> None:
    core = Core.open(db_url)
    worker = Worker(core, worker_config)
    try:
        worker.start()
        worker.set_paused(True)
        task_id = add_task(core, lab_repo, entry_point="noop.py")
        assert worker.take() is None and worker.paused
        assert core.queues.pop(["default"], worker.id) is None  # the core refuses a paused worker any path
        assert status(core, task_id) == "pending"
        worker.set_paused(False)
        wait_for(core, lambda: status(core, task_id) == "completed", what="the task after resuming")
        assert not worker.paused
    finally:
        worker.stop()
        core.close()


def test_after_an_outage_a_watchdog_gives_other_workers_time_to_beat(
    pg_core: Core, postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    """Every worker's heartbeat is stale when the server comes back; nobody is judged lost at once."""
    elsewhere = pg_core.workers.register("elsewhere", 1, ["other"])
    task_id = pg_core.tasks.add(Task(id="", name="far away"), "Lab", queue="default")
    assert pg_core.queues.pop(["default"], elsewhere, "elsewhere", 1) == task_id
    watcher = Worker(pg_core, WorkerConfig(queues=["watching"], cache_dir=tmp_path / "cache", heartbeat_interval=0.2,
                                           watchdog_timeout=2.0))
    watcher.start()
    try:
        postgres_cluster.stop()
        try:
            wait_for(pg_core, lambda: watcher.database_error is not None, what="the watcher noticed the outage")
            outage_from = time.monotonic()
            # The outage outlasts the watchdog timeout, so every heartbeat is stale when the server is back.
            wait_for(pg_core, lambda: time.monotonic() - outage_from > 2.5, what="an outage longer than the timeout")
        finally:
            postgres_cluster.start_server()
        beats: list[object] = []

        def beaten_twice() -> bool:
            beats.append(next(w.last_heartbeat for w in pg_core.workers.online(datetime.min.replace(tzinfo=UTC))
                              if w.id == watcher.id))
            return len(set(beats)) >= 3

        wait_for(pg_core, beaten_twice, what="the watcher beating again")
        assert status(pg_core, task_id) == "running"  # not judged while its worker may still be reconnecting
        wait_for(pg_core, lambda: status(pg_core, task_id) == "failed", what="judged lost after the grace")
    finally:
        watcher.stop()


def test_a_local_run_keeps_every_scalar_through_a_server_restart(
    pg_core: Core, postgres_cluster: PostgresCluster, repo: Path, tmp_path: Path
) -> None:
    run_through_restart(pg_core, postgres_cluster, WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache"),
                        repo, lambda task_id: tmp_path / "cache" / "runs" / task_id / "repo")
