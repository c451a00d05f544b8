"""Container overhead: enqueue → first console line of the same task in a container vs a local run (JSON on stdout).

Both runs use a cached environment (one local wheel), warmed by a first run that is not counted. Needs a Docker
engine (DOCKER_HOST, or the one .ci/docker-up starts) and builds the tests' small image once if it is missing.
Usage: python bench/bench_docker.py [RUNS]"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import committed_repo, emit  # noqa: E402

from tasktune_gui.core.api import Core  # noqa: E402
from tasktune_gui.core.models import Task  # noqa: E402
from tasktune_gui.execution.docker.config import DockerConfig  # noqa: E402
from tasktune_gui.execution.worker.wakeup import Wakeup  # noqa: E402
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig  # noqa: E402
from tests.support.docker_image import engine, ensure_test_image  # noqa: E402
from tests.support.wheels import build_wheel  # noqa: E402

RUNS = 7
GOAL_OVERHEAD_MS = 1000.0
SCRIPT = "import tinypkg\nprint('first line', flush=True)\n"


def make_repo(folder: Path) -> Path:
    (folder / "wheels").mkdir()
    wheel = build_wheel(folder / "wheels", "1.0")
    files = {"first.py": SCRIPT, "requirements.txt": f"./{wheel.name}\n", wheel.name: wheel.read_bytes()}
    return committed_repo(folder / "repo", files)[0]


def first_line_ms(core: Core, wakeup: Wakeup, repo: Path, queue: str) -> float:
    """Milliseconds from the enqueue call until the task's first console line is in the database."""
    task_id = core.tasks.add(Task(id="", name="first line", repository=str(repo), entry_point="first.py"), "bench")
    started = time.perf_counter()
    core.lifecycle.enqueue(task_id, queue)
    deadline = started + 120
    while time.perf_counter() < deadline:
        if core.results.console(task_id):
            elapsed = (time.perf_counter() - started) * 1000
            break
        task = core.tasks.get(task_id)
        if task.status in ("failed", "aborted"):
            raise RuntimeError(f"{task.status_reason}: {task.status_message}")
        wakeup.wait(0.05)
    else:
        raise TimeoutError(task_id)
    while core.tasks.get(task_id).status == "running":  # let the slot free up before the next run
        wakeup.wait(0.05)
    return elapsed


def measure(core: Core, repo: Path, config: WorkerConfig, runs: int) -> list[float]:
    core.queues.ensure(config.queues[0])
    worker = Worker(core, config)
    worker.start()
    wakeup = Wakeup(core)
    try:
        first_line_ms(core, wakeup, repo, config.queues[0])  # warms the mirror and the environment
        return [first_line_ms(core, wakeup, repo, config.queues[0]) for _ in range(runs)]
    finally:
        wakeup.close()
        worker.stop()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    client, why = engine()
    if client is None:
        emit({"benchmark": "docker_first_line", "ok": False, "error": why})
        sys.exit(1)
    image = ensure_test_image(client)
    client.close()
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-docker-"))
    repo = make_repo(folder)
    core = Core.open(f"sqlite:///{folder / 'bench.db'}")
    try:
        local = measure(core, repo, WorkerConfig(queues=["local"], cache_dir=folder / "cache"), runs)
        docker_config = DockerConfig(default_image=image)
        in_container = measure(core, repo, WorkerConfig(queues=["docker"], cache_dir=folder / "cache",
                                                        docker=docker_config), runs)
    finally:
        core.close()
    local_ms, docker_ms = statistics.median(local), statistics.median(in_container)
    emit({
        "benchmark": "docker_first_line",
        "what": "enqueue → first console line, cached environment, median of runs",
        "image": image,
        "runs": runs,
        "local_median_ms": round(local_ms, 1),
        "docker_median_ms": round(docker_ms, 1),
        "docker_min_ms": round(min(in_container), 1),
        "overhead_ms": round(docker_ms - local_ms, 1),
        "ratio": round(docker_ms / local_ms, 2),
        "goal_overhead_ms": GOAL_OVERHEAD_MS,
        "ok": docker_ms - local_ms < GOAL_OVERHEAD_MS,
    })


if __name__ == "__main__":
    main()
