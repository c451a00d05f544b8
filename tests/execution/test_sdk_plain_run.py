"""A script run by hand with `sdk.init`: recorded as a task in the local database, Completed or Failed at exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tasktune_gui.core.errors import TaskNotEditable
from tasktune_gui.core.tasks import TaskQuery
from tests.support.cores import opened
from tests.support.git import make_repo

SCRIPT = """\
import argparse, sys
from tasktune_gui import sdk
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
args = parser.parse_args()
print("task", sdk.init("By hand", "first try"))
params = sdk.connect({"batch": 32, "augment": True, "note": "a; b"}, name="General")
print("batch", params["batch"], file=sys.stderr)
print("progress 10%\\rprogress 100%")
for step in range(3):
    sdk.report_scalar("loss", "train", args.lr / (step + 1), step)
sdk.upload_artifact("summary", {"lr": args.lr})
if args.lr > 1:
    raise RuntimeError("learning rate too high")
"""


def run_by_hand(repo: Path, db_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TASKTUNE_DB=db_url)
    env.pop("TASKTUNE_TASK_ID", None)
    env.pop("TASKTUNE_EVENTS", None)
    return subprocess.run([sys.executable, "train.py", *argv], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def train_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"train.py": SCRIPT})


def test_a_plain_run_becomes_a_completed_task(train_repo: Path, sqlite_url: str) -> None:
    result = run_by_hand(train_repo, sqlite_url, "--lr", "0.5")  # the database is made by this first run
    assert result.returncode == 0, result.stderr
    with opened(sqlite_url) as core:
        [task] = core.tasks.query(TaskQuery(project="By hand"))
        record = core.task_json(task.id)
        assert f"task {task.id}" in result.stdout
        assert (record["name"], record["status"]) == ("first try", "completed")
        assert record["hyperparams"]["Args"]["lr"]["value"] == "0.5"
        assert record["execution"]["entry_point"] == "train.py"
        assert record["metrics"] == {"loss/train": 0.5 / 3}
        assert [a.name for a in core.results.artifacts(task.id)] == ["summary"]
        assert record["hyperparams"]["General"] == {
            "batch": {"value": "32", "type": "int", "description": ""},
            "augment": {"value": "true", "type": "bool", "description": ""},
            "note": {"value": "a; b", "type": "str", "description": ""},
        }
        console = [(line.stream, line.text) for line in core.results.console(task.id)]
        assert console == [("stdout", f"task {task.id}"), ("stderr", "batch 32"), ("stdout", "progress 100%")]
        assert "batch 32" in result.stderr  # still shown in the terminal


def test_a_clone_of_a_plain_run_gets_its_connected_values_under_a_worker(train_repo: Path,
                                                                         migrated_sqlite_url: str) -> None:
    assert run_by_hand(train_repo, migrated_sqlite_url, "--lr", "0.5").returncode == 0
    with opened(migrated_sqlite_url) as core:
        [task] = core.tasks.query(TaskQuery(project="By hand"))
        clone = core.tasks.clone(task.id)
        core.editor.set_hyperparameter(clone, "General", "batch", "64")
        assert core.task_json(clone)["hyperparams"]["General"]["batch"]["value"] == "64"
        with pytest.raises(TaskNotEditable):  # only the script's own run records its values, and only while it runs
            core.editor.record_script_section(task.id, "General", {"batch": ("1", "int")})


def test_a_plain_run_that_raises_is_failed(train_repo: Path, migrated_sqlite_url: str) -> None:
    result = run_by_hand(train_repo, migrated_sqlite_url, "--lr", "5")
    assert result.returncode == 1
    with opened(migrated_sqlite_url) as core:
        [task] = core.tasks.query(TaskQuery(project="By hand"))
        assert (task.status, task.status_reason) == ("failed", "uncaught RuntimeError")
        assert task.status_message == "learning rate too high"
