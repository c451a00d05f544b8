"""`tasktune --version`, and the versions in `show --json`'s runtime: a bug report says what ran."""

from __future__ import annotations

import json
from pathlib import Path

from tasktune_gui.core.about import schema_version, tasktune_version
from tests.support.cli import Run


def test_version_option_prints_the_version_and_the_schema(tt: Run) -> None:
    done = tt("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"TaskTune {tasktune_version()} (database schema {schema_version()})"


def test_show_json_runtime_names_the_tasktune_that_ran_the_task(tt: Run, repo: Path, tmp_path: Path) -> None:
    task_id = tt("create", "--project", "p", "--name", "n", "--repo", str(repo), "--script", "train.py",
                 check=True).stdout.strip()
    runtime = json.loads(tt("show", task_id, "--json", check=True).stdout)["runtime"]
    assert (runtime["tasktune_version"], runtime["schema_version"]) == ("", "")  # nothing has run it yet
    tt("enqueue", task_id, check=True)
    tt("worker", "--queue", "default", "--once", "--cache-dir", str(tmp_path / "cache"), check=True)
    shown = json.loads(tt("show", task_id, "--json", check=True).stdout)
    assert shown["status"] == "completed", shown["status_reason"]
    assert shown["runtime"]["tasktune_version"] == tasktune_version() != "unknown"
    assert shown["runtime"]["schema_version"] == schema_version()
