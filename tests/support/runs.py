"""Runs on a real worker: a repository whose script reports what it received, tasks queued to it, their outcome."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import make_repo
from tests.support.waiting import wait_for

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


def show_repo(root: Path) -> Path:
    """A repository with scripts/show.py (reports its inputs) and helper.py at the root, on branch main."""
    return make_repo(root, {"scripts/show.py": SHOW_SCRIPT, "helper.py": "VALUE = 'committed'\n"})


def tasktune_worker(db_url: str, cache: Path, *args: str) -> list[str]:
    """The `tasktune worker` command line, run through the installed CLI's entry module."""
    return [sys.executable, "-m", "tasktune_gui.cli.main", "--db", db_url, "worker", "--cache-dir", str(cache), *args]


def add_task(core: Core, repo: Path | str, queue: str | None = "default", **fields: Any) -> str:
    """A task of `repo` (scripts/show.py unless `entry_point` says otherwise) in project "tests", queued."""
    parts = {key: fields.pop(key) for key in ("hyperparameters", "configuration") if key in fields}
    fields.setdefault("entry_point", "scripts/show.py")
    fields.setdefault("working_dir", "")
    task = Task(id="", name=fields.pop("name", "t"), repository=str(repo), **fields)
    return core.tasks.add(task, "tests", queue=queue, **parts)


def sections(values: dict[str, dict[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    """Hyperparameter sections from plain values: {section: {name: value}}."""
    return {section: {name: {"value": value} for name, value in names.items()} for section, names in values.items()}


def status(core: Core, task_id: str) -> str:
    return core.tasks.get(task_id).status


def finished(core: Core, task_id: str) -> str:
    """Waits for the task to end and returns how it ended."""
    return str(wait_for(core, lambda: status(core, task_id) in ("completed", "failed", "aborted")
                        and status(core, task_id), timeout=120, what="the task to end"))


def console(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id)]


def report(core: Core, task_id: str) -> dict[str, object]:
    """The last JSON line the task printed (what its script received)."""
    lines = [text for text in console(core, task_id) if text.startswith("{")]
    assert lines, console(core, task_id)
    return dict(json.loads(lines[-1]))


@contextmanager
def running_worker(core: Core, config: WorkerConfig) -> Iterator[Worker]:
    """A started worker in this process, stopped at the end."""
    worker = Worker(core, config)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    return WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache", abort_grace=5.0)


@pytest.fixture
def quick_worker(sqlite_core: Core, worker_config: WorkerConfig) -> Iterator[Worker]:
    """A started worker whose aborts wait 1 s before the SIGKILL (for tests of what only a SIGKILL ends)."""
    worker_config.abort_grace = 1.0
    with running_worker(sqlite_core, worker_config) as started:
        yield started
