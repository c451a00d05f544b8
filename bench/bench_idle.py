"""An idle `tasktune worker` on SQLite: its processor time per second with no task to run (JSON on stdout)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import psutil
from common import temp_core

from tasktune_gui.core.models import utcnow


def cpu_ms_per_s(pid: int, seconds: float) -> float:
    process = psutil.Process(pid)
    before, started = sum(process.cpu_times()[:2]), time.monotonic()
    time.sleep(seconds)
    return (sum(process.cpu_times()[:2]) - before) * 1000 / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each sample lasts")
    parser.add_argument("--samples", type=int, default=3)
    args = parser.parse_args()
    core = temp_core()
    core.queues.ensure("bench")
    cache = Path(tempfile.mkdtemp(prefix="tasktune-bench-cache-"))
    worker = subprocess.Popen([sys.executable, "-m", "tasktune_gui.cli.main", "--db", core.store.url, "worker",
                               "--queue", "bench", "--cache-dir", str(cache)], stderr=subprocess.DEVNULL)
    try:
        while not core.workers.online(utcnow() - timedelta(seconds=30)) and worker.poll() is None:
            time.sleep(0.05)
        time.sleep(2)  # past its start-up
        samples = [cpu_ms_per_s(worker.pid, args.seconds) for _ in range(args.samples)]
        threads = psutil.Process(worker.pid).num_threads()
    finally:
        worker.terminate()
        worker.wait()
        core.close()
    print(json.dumps({
        "benchmark": "idle_worker_cpu",
        "cpu_ms_per_s": sorted(round(sample, 2) for sample in samples),
        "median_cpu_ms_per_s": round(sorted(samples)[len(samples) // 2], 2),
        "threads": threads,
        "goal_cpu_ms_per_s": 10,
        "ok": sorted(samples)[len(samples) // 2] < 10,
    }))


if __name__ == "__main__":
    main()
