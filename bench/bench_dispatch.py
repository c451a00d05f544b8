"""Dispatch latency: enqueue → Running on an idle local worker, p50/p99 over 200 tasks (JSON on stdout)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import psutil
from common import committed_repo

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task, utcnow
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.execution.cache.environments import EnvironmentCache
from tasktune_gui.execution.worker.wakeup import Wakeup
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import git

TASKS = 200


def make_repo(folder: Path) -> Path:
    return committed_repo(folder / "repo", {"noop.py": "pass\n"})[0]


def noop_task(repo: Path, name: str) -> Task:
    """Pinned to the commit, as a captured task is."""
    return Task(id="", name=name, repository=str(repo), entry_point="noop.py", commit=git(repo, "rev-parse", "HEAD"))


def wait_until_ended(core: Core, wakeup: Wakeup, task_id: str) -> Task:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        task = core.tasks.get(task_id)
        if task.status in ("completed", "failed", "aborted"):
            return task
        wakeup.wait(0.2)
    raise TimeoutError(task_id)


def measure(core: Core, repo: Path, count: int) -> list[float]:
    """Milliseconds from the enqueue call to the start time the worker recorded, one idle task at a time."""
    wakeup = Wakeup(core)
    latencies = []
    try:
        for n in range(count):
            task_id = core.tasks.add(noop_task(repo, f"noop {n}"), "bench")
            enqueued = utcnow()
            core.lifecycle.enqueue(task_id, "bench")
            task = wait_until_ended(core, wakeup, task_id)
            assert task.status == "completed", task.status_message
            assert task.started is not None
            started = task.started if task.started.tzinfo else task.started.replace(tzinfo=enqueued.tzinfo)
            latencies.append((started - enqueued).total_seconds() * 1000)
    finally:
        wakeup.close()
    return latencies


def summary(name: str, values: list[float]) -> dict[str, object]:
    ordered = sorted(values)
    return {
        "benchmark": name,
        "tasks": len(values),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
        "goal_p50_ms": 20,
        "goal_p99_ms": 100,
    }


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else TASKS
    if "--overhead-only" in sys.argv:
        overhead_only(count)
        return
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-"))
    repo = make_repo(folder)
    url = f"sqlite:///{folder / 'bench.db'}"
    core = Core.open(url)
    core.queues.ensure("bench")

    # A worker in another process: wakes on SQLite's data_version.
    process = subprocess.Popen(
        [sys.executable, "-m", "tasktune_gui.cli.main", "--db", url, "worker", "--queue", "bench",
         "--cache-dir", str(folder / "cache-a")],
        stderr=subprocess.DEVNULL,
    )
    try:
        while core.queues.summaries()[0].workers == 0 and process.poll() is None:
            time.sleep(0.05)
        measure(core, repo, 3)  # the first run mirrors the repository
        print(json.dumps(summary("enqueue_to_running_worker_process", measure(core, repo, count))))
    finally:
        process.terminate()
        process.wait()

    # A worker in the same process (the window's embedded worker): wakes on the change bus.
    worker = Worker(core, WorkerConfig(queues=["bench"], cache_dir=folder / "cache-b", slots=2))
    worker.start()
    try:
        measure(core, repo, 3)
        print(json.dumps(summary("enqueue_to_running_embedded_worker", measure(core, repo, count))))
    finally:
        worker.stop()
    try:
        print(json.dumps(overhead(url, core, repo, count * 5, folder / "cache-c")))
    finally:
        core.close()


def worker_process(url: str, cache: Path, slots: int) -> subprocess.Popen[bytes]:
    """`tasktune worker` as a researcher starts it: its own process, so the observer never shares its GIL."""
    return subprocess.Popen(
        [sys.executable, "-m", "tasktune_gui.cli.main", "--db", url, "worker", "--queue", "bench",
         "--slots", str(slots), "--cache-dir", str(cache)],
        stderr=subprocess.DEVNULL,
    )


def wait_for_ended(core: Core, count: int) -> None:
    """Polls one count every 50 ms: the observer costs the machine next to nothing."""
    ended = TaskQuery(project="overhead", statuses=["completed", "failed", "aborted"])
    deadline = time.monotonic() + 30 + count
    while core.tasks.count(ended) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{core.tasks.count(ended)} of {count} tasks ended")
        time.sleep(0.05)


def by_hand_2_at_a_time_s(interpreter: str, repo: Path, runs: int) -> float:
    """Per run, each of 2 slots' share: the no-op script run by hand, two at a time, as the worker's slots do."""
    def run(_: int) -> None:
        subprocess.run([interpreter, "noop.py"], cwd=repo, check=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, range(runs)))
    return (time.perf_counter() - started) * 2 / runs


def _cpu_s(pid: int) -> float:
    """User and system time of one process, its children left out."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def overhead(url: str, core: Core, repo: Path, count: int, cache: Path, blocks: int = 5) -> dict[str, object]:
    """Wall time per no-op task with 2 slots, beyond the script's own run time (interpreter start and exit).

    In `blocks` rounds, the script is run by hand two at a time, then the same number of tasks go through the
    worker (enqueued while it is paused; the clock runs from its resume to the last end). Alternating cancels
    this machine's drift: the same script's own time wanders by a third within a minute here."""
    interpreter = EnvironmentCache(repo.parent / "alone-cache").interpreter("python3")
    commit = noop_task(repo, "noop").commit
    process = worker_process(url, cache, 2)
    per_block = max(1, count // blocks)
    by_hand, through_worker = [], []
    try:
        while not core.workers.online(utcnow() - timedelta(seconds=30)) and process.poll() is None:
            time.sleep(0.05)
        worker_id = core.workers.online(utcnow() - timedelta(seconds=30))[0].id
        ended = 3
        for _ in range(ended):
            core.tasks.add(Task(id="", name="warm", repository=str(repo), entry_point="noop.py", commit=commit),
                           "overhead", queue="bench")
        wait_for_ended(core, ended)  # the first run mirrors the repository
        cpu_before = _cpu_s(process.pid)
        for _ in range(blocks):
            by_hand.append(by_hand_2_at_a_time_s(interpreter, repo, per_block))
            core.workers.set_paused(worker_id, True)
            for _ in range(per_block):
                core.tasks.add(Task(id="", name="noop", repository=str(repo), entry_point="noop.py",
                                    commit=commit), "overhead", queue="bench")
            started = time.perf_counter()
            core.workers.set_paused(worker_id, False)
            ended += per_block
            wait_for_ended(core, ended)
            through_worker.append((time.perf_counter() - started) * 2 / per_block)
        worker_cpu_s = _cpu_s(process.pid) - cpu_before
    finally:
        process.terminate()
        process.wait()
    failed = core.tasks.count(TaskQuery(project="overhead", statuses=["failed", "aborted"]))
    per_task, script_s = statistics.mean(through_worker), statistics.mean(by_hand)
    return {
        "benchmark": "overhead_per_noop_task_2_slots",
        "tasks": per_block * blocks,
        "blocks": blocks,
        "failed": failed,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "per_task_ms": round(per_task * 1000, 1),
        "script_by_hand_ms": round(script_s * 1000, 1),
        "overhead_ms": round((per_task - script_s) * 1000, 1),
        "overhead_by_block_ms": [round((w - h) * 1000, 1) for w, h in zip(through_worker, by_hand, strict=True)],
        # The worker's own processor time (not its tasks'): steadier than wall time on a machine that drifts.
        "worker_cpu_ms_per_task": round(worker_cpu_s * 1000 / (per_block * blocks), 2),
        "goal_overhead_ms": 30,
    }


def overhead_only(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-"))
    repo = make_repo(folder)
    url = f"sqlite:///{folder / 'bench.db'}"
    core = Core.open(url)
    core.queues.ensure("bench")
    try:
        print(json.dumps(overhead(url, core, repo, count, folder / "cache-c")))
    finally:
        core.close()


if __name__ == "__main__":
    main()
