"""Fixtures for the CLI tests: a real git working copy and a runner for the real `tasktune` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task

TRAIN_SCRIPT = '''import argparse
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.01, help="learning rate")
parser.add_argument("--epochs", type=int, default=3, help="passes over the data")
parser.add_argument("--run-name", default=None)
parser.add_argument("--verbose", action="store_true")
print(parser.parse_args())
'''

Run = Callable[..., subprocess.CompletedProcess[str]]


def git(cwd: Path, *argv: str) -> str:
    return subprocess.run(["git", *argv], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A working copy with one commit and an uncommitted change."""
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "train.py").write_text(TRAIN_SCRIPT)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    (root / "notes.txt").write_text("an untracked file\n")
    return root


@pytest.fixture
def tt(sqlite_url: str, tmp_path: Path) -> Run:
    """Runs `python -m tasktune_gui --db URL ARGS...` and returns the finished process."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode makes each start several times faster

    def run(*argv: str, check: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", sqlite_url, *argv],
                                capture_output=True, text=True, env=env, cwd=cwd or tmp_path, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"tasktune {' '.join(argv)} failed ({result.returncode}): {result.stderr}")
        return result

    run.db_url = sqlite_url  # type: ignore[attr-defined]
    return run


def created_id(result: subprocess.CompletedProcess[str]) -> str:
    """The id a creating command printed: alone on stdout."""
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    return lines[0]


def show(tt: Run, task_id: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(tt("show", task_id, "--json", check=True).stdout)
    return result


def one_error_line(result: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tasktune: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@contextmanager
def opened(db_url: str) -> Iterator[Core]:
    """The Core over the test database, in this process: for setting up what a command then reads."""
    core = Core.open(db_url)
    try:
        yield core
    finally:
        core.close()


def add_task(db_url: str, name: str, project: str = "P", tags: tuple[str, ...] = ()) -> str:
    """A Draft stored directly (no git needed), with one argument in its Args section."""
    with opened(db_url) as core:
        task = Task(id="", name=name, repository="/src/repo", entry_point="train.py", working_dir=".")
        args = {"lr": {"value": "0.01", "type": "float", "description": "learning rate"}}
        return core.tasks.add(task, project, hyperparameters={"Args": args}, tags=list(tags))
