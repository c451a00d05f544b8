"""Remote runs over SSH against a throwaway sshd on loopback: enqueue → remote process started (warm cache), and
the console's delay from the remote print to the local database; p50 of each (JSON on stdout)."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import committed_repo, emit  # noqa: E402
from tasktune_gui.core.api import Core  # noqa: E402
from tasktune_gui.core.models import Task  # noqa: E402
from tasktune_gui.execution.bindings import SshOptions  # noqa: E402
from tasktune_gui.execution.ssh.config import connect, resolve  # noqa: E402
from tasktune_gui.execution.worker.wakeup import Wakeup  # noqa: E402
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig  # noqa: E402
from tests.support.sshd import SshServer  # noqa: E402

# The first line is the time the process started its script; then a line every 50 ms, each its print time.
SCRIPT = """\
import time
print("start", time.time(), flush=True)
for i in range(20):
    time.sleep(0.05)
    print("line", time.time(), flush=True)
"""


def run_one(core: Core, wakeup: Wakeup, repo: Path, commit: str, n: int) -> tuple[float, list[float]]:
    """(enqueue → script start, ms), [print → stored, ms per line] for one task, the worker otherwise idle."""
    task_id = core.tasks.add(Task(id="", name=f"remote {n}", repository=str(repo), entry_point="job.py",
                                  commit=commit), "bench")
    enqueued = time.time()
    core.lifecycle.enqueue(task_id, "lab")
    deadline = time.monotonic() + 120
    while core.tasks.get(task_id).status not in ("completed", "failed", "aborted"):
        if time.monotonic() > deadline:
            raise TimeoutError(task_id)
        wakeup.wait(0.2)
    task = core.tasks.get(task_id)
    if task.status != "completed":
        raise RuntimeError(f"{task.status}: {task.status_reason} {task.status_message}")
    start = 0.0
    delays = []
    for line in core.results.console(task_id):
        word, printed = line.text.split()
        stored = (line.time if line.time.tzinfo else line.time.replace(tzinfo=UTC)).timestamp()
        if word == "start":
            start = float(printed)
        else:
            delays.append((stored - float(printed)) * 1000)
    return (start - enqueued) * 1000, delays


def login_shell_ms(server: SshServer, count: int = 5) -> float:
    """What the host's login shell costs each SSH command (`true` on an open connection): context for the start."""

    async def measure() -> list[float]:
        options = SshOptions(config_files=[server.ssh_config])
        connection = await connect(resolve(server.alias, options), options)
        samples = []
        try:
            for _ in range(count):
                began = time.perf_counter()
                await connection.run("true", check=True)
                samples.append((time.perf_counter() - began) * 1000)
        finally:
            connection.close()
        return samples

    return round(statistics.median(asyncio.run(measure())), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=20)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-ssh-"))
    os.environ.pop("SSH_AUTH_SOCK", None)
    server = SshServer(folder / "sshd")
    server.trust_host_key()
    server.start()
    core = Core.open(f"sqlite:///{folder / 'bench.db'}")
    core.queues.create("lab", ssh_host=server.alias, remote_dir=str(folder / "remote"))
    worker = Worker(core, WorkerConfig(queues=["lab"], cache_dir=folder / "cache",
                                       ssh=SshOptions(config_files=[server.ssh_config])))
    worker.start()
    wakeup = Wakeup(core)
    repo, commit = committed_repo(folder / "repo", {"job.py": SCRIPT})
    try:
        shell_ms = login_shell_ms(server)
        run_one(core, wakeup, repo, commit, 0)  # the cold run: agent, SDK and the commit's tree uploaded
        starts: list[float] = []
        delays: list[float] = []
        for n in range(options.tasks):
            start, lines = run_one(core, wakeup, repo, commit, n + 1)
            starts.append(start)
            delays.extend(lines)
    finally:
        wakeup.close()
        worker.stop()
        core.close()
        server.stop()
    emit({
        "benchmark": "ssh_remote_run",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "enqueue_to_remote_start": {"p50_ms": round(statistics.median(starts), 1), "max_ms": round(max(starts), 1),
                                    "tasks": len(starts), "goal_p50_ms": 1000,
                                    "ok": statistics.median(starts) < 1000},
        "host_login_shell_per_command_ms": shell_ms,
        "console_print_to_database": {"p50_ms": round(statistics.median(delays), 1),
                                      "max_ms": round(max(delays), 1), "lines": len(delays), "goal_p50_ms": 200,
                                      "ok": statistics.median(delays) < 200},
    })


if __name__ == "__main__":
    main()
