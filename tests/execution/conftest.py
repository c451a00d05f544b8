"""Fixtures for the execution tests: a real git repository with small scripts, a worker over a real database."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.execution.worker.wakeup import Wakeup
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig

# Prints what the script received as one JSON line, then exits with $EXIT_CODE (default 0).
SHOW_SCRIPT = '''\
import argparse, json, os, sys
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--name", default="x")
parser.add_argument("--flag", action="store_true")
parser.add_argument("--off", action="store_true")
parser.add_argument("--layers", nargs="+", type=int, default=[1])
parser.add_argument("--opt", default=None)
parser.add_argument("-v", action="store_true")
parser.add_argument("source")
parser.add_argument("target")
args, rest = parser.parse_known_args()
config_dir = os.environ.get("TASKTUNE_CONFIG_DIR", "")
configs = {}
if config_dir:
    for name in sorted(os.listdir(config_dir)):
        with open(os.path.join(config_dir, name), encoding="utf-8") as handle:
            configs[name] = handle.read()
import helper
print(json.dumps({"args": vars(args), "rest": rest, "argv": sys.argv[1:], "env": dict(os.environ),
                  "configs": configs, "cwd": os.getcwd(), "helper": helper.VALUE, "pid": os.getpid()}))
sys.stderr.write("to stderr\\n")
sys.exit(int(os.environ.get("EXIT_CODE", "0")))
'''


def tasktune_worker(db_url: str, cache: Path, *args: str) -> list[str]:
    """The `tasktune worker` command line, run through the installed CLI's entry module."""
    return [sys.executable, "-m", "tasktune_gui.cli.main", "--db", db_url, "worker", "--cache-dir", str(cache), *args]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with scripts/show.py (reports its inputs) and helper.py at the root, on branch main."""
    root = tmp_path / "source"
    (root / "scripts").mkdir(parents=True)
    (root / "scripts" / "show.py").write_text(SHOW_SCRIPT)
    (root / "helper.py").write_text("VALUE = 'committed'\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    return root


def wait_for(core: Core, predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """Re-check real state on every database commit (ours or another process's) until it holds."""
    wakeup = Wakeup(core)
    try:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"timed out waiting for {what}")
            wakeup.wait(min(left, 0.5))
    finally:
        wakeup.close()


def add_task(core: Core, repo: Path | str, queue: str | None = "default", **fields: Any) -> str:
    parts = {key: fields.pop(key) for key in ("hyperparameters", "configuration") if key in fields}
    fields.setdefault("entry_point", "scripts/show.py")
    fields.setdefault("working_dir", "")
    task = Task(id="", name=fields.pop("name", "t"), repository=str(repo), **fields)
    return core.tasks.add(task, "tests", queue=queue, **parts)


def status(core: Core, task_id: str) -> str:
    return core.tasks.get(task_id).status


@pytest.fixture
def pg_core(postgres_url: str) -> Iterator[Core]:
    """A core on a fresh PostgreSQL database (the session's throwaway cluster)."""
    core = Core.open(postgres_url)
    yield core
    core.close()


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    return WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache", abort_grace=5.0)


@pytest.fixture
def worker(sqlite_core: Core, worker_config: WorkerConfig) -> Iterator[Worker]:
    started = Worker(sqlite_core, worker_config)
    started.start()
    yield started
    started.stop()
