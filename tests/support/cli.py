"""The real `tasktune` process for CLI tests (the `tt` fixture) and what they check of its answers."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from tasktune_gui.core.models import Task
from tests.support.cores import opened

TRAIN_SCRIPT = '''import argparse
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.01, help="learning rate")
parser.add_argument("--epochs", type=int, default=3, help="passes over the data")
parser.add_argument("--run-name", default=None)
parser.add_argument("--verbose", action="store_true")
print(parser.parse_args())
'''


class Run:
    """Runs `python -m tasktune_gui --db URL ARGS...` in the test's folder and returns the finished process."""

    def __init__(self, db_url: str, cwd: Path) -> None:
        self.db_url = db_url
        self.cwd = cwd
        self.env = dict(os.environ)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode makes each start several times faster

    def __call__(self, *argv: str, check: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", self.db_url, *argv],
                                capture_output=True, text=True, env=self.env, cwd=cwd or self.cwd, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"tasktune {' '.join(argv)} failed ({result.returncode}): {result.stderr}")
        return result


def in_process(db_url: str, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`tasktune --db URL ARGV...` run by the CLI's own `main` in this process: no interpreter start, which costs
    seconds per command on a loaded machine. For commands whose answer is what the test checks; a test of the
    process itself (its exit on a signal, its imports) runs the real one (`Run`)."""
    from tasktune_gui.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved_stdin, sys.stdin = sys.stdin, io.StringIO(stdin)  # not a terminal, as for a piped command
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(["--db", db_url, *argv])
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin = saved_stdin
    return subprocess.CompletedProcess(["tasktune", *argv], code, out.getvalue(), err.getvalue())


@pytest.fixture
def tt(migrated_sqlite_url: str, tmp_path: Path) -> Run:
    """The CLI over the test's database, whose schema is already made (so each test's first command does not
    spend its start migrating)."""
    return Run(migrated_sqlite_url, tmp_path)


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


def add_draft(db_url: str, name: str, project: str = "P", tags: tuple[str, ...] = ()) -> str:
    """A Draft stored directly (no git needed), with one argument in its Args section."""
    with opened(db_url) as core:
        task = Task(id="", name=name, repository="/src/repo", entry_point="train.py", working_dir=".")
        args = {"lr": {"value": "0.01", "type": "float", "description": "learning rate"}}
        return core.tasks.add(task, project, hyperparameters={"Args": args}, tags=list(tags))
