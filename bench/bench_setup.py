"""Setup of a repeat run whose environment is cached: task started → the script's first line runs (JSON on stdout).

The script prints its own clock as its first statement; setup is that minus the start the worker recorded,
so it covers the workspace (mirror, checkout, diff), the environment lookup and the process start."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import committed_repo  # noqa: E402

from tasktune_gui.core.api import Core  # noqa: E402
from tasktune_gui.core.models import Task, utcnow  # noqa: E402
from tasktune_gui.execution.worker.wakeup import Wakeup  # noqa: E402
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig  # noqa: E402
from tests.support.git import git_environment  # noqa: E402

RUNS = 20
SCRIPT = "import time\nprint('t0', time.time(), flush=True)\nimport six\nprint('six', six.__version__)\n"
DIFF_LINE = "# tuned locally\n"


def make_repo(folder: Path) -> tuple[Path, str]:
    repo, _commit = committed_repo(folder / "repo", {"train.py": SCRIPT, "requirements.txt": "six==1.16.0\n"})
    # An uncommitted change, so every run applies a diff as real tasks do.
    (repo / "train.py").write_text(SCRIPT + DIFF_LINE)
    diff = subprocess.run(["git", "diff"], cwd=repo, check=True, capture_output=True, text=True,
                          env=git_environment()).stdout
    return repo, diff


def one_run(core: Core, wakeup: Wakeup, repo: Path, diff: str) -> dict[str, float]:
    draft = Task(id="", name="repeat", repository=str(repo), entry_point="train.py", requirements="six==1.16.0\n",
                 diff=diff)
    task_id = core.tasks.add(draft, "bench")
    enqueued = utcnow().timestamp()
    core.lifecycle.enqueue(task_id, "bench")
    deadline = time.monotonic() + 600
    while (task := core.tasks.get(task_id)).status not in ("completed", "failed", "aborted"):
        if time.monotonic() > deadline:
            raise TimeoutError(task_id)
        wakeup.wait(0.2)
    assert task.status == "completed", task.status_message
    assert task.started is not None
    started = task.started.replace(tzinfo=UTC).timestamp()
    first = next(line.text for line in core.results.console(task_id) if line.text.startswith("t0 "))
    t0 = float(first.split()[1])
    return {"setup_ms": (t0 - started) * 1000, "enqueue_to_script_ms": (t0 - enqueued) * 1000}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-setup-"))
    repo, diff = make_repo(folder)
    core = Core.open(f"sqlite:///{folder / 'bench.db'}")
    core.queues.ensure("bench")
    worker = Worker(core, WorkerConfig(queues=["bench"], cache_dir=folder / "cache"))
    worker.start()
    wakeup = Wakeup(core)
    try:
        started = time.perf_counter()
        first = one_run(core, wakeup, repo, diff)  # mirrors the repository and creates the environment
        first_s = time.perf_counter() - started
        samples = [one_run(core, wakeup, repo, diff) for _ in range(runs)]
    finally:
        wakeup.close()
        worker.stop()
        core.close()
    setup = sorted(s["setup_ms"] for s in samples)
    total = sorted(s["enqueue_to_script_ms"] for s in samples)
    print(json.dumps({
        "benchmark": "repeat_run_setup_cached_environment",
        "runs": runs,
        "first_run_s": round(first_s, 2),
        "first_run_setup_ms": round(first["setup_ms"], 1),
        "setup_p50_ms": round(statistics.median(setup), 1),
        "setup_max_ms": round(setup[-1], 1),
        "enqueue_to_script_p50_ms": round(statistics.median(total), 1),
        "goal_setup_ms": 1000,
        "ok": statistics.median(setup) < 1000,
    }))


if __name__ == "__main__":
    main()
