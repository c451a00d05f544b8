"""The demo workspace: seeded once into an empty database, with real tasks from a real repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.demo import RESOURCES, seed_demo
from tasktune_gui.core.tasks import TaskQuery


def test_seeding_an_empty_database(sqlite_core: Core, tmp_path: Path) -> None:
    assert seed_demo(sqlite_core, tmp_path) is True
    tasks = {t.name: t for t in sqlite_core.tasks.query(TaskQuery(project="Demo"))}
    assert {name: t.status for name, t in tasks.items()} == {
        "baseline": "completed",
        "high learning rate": "failed",
        "momentum sweep": "draft",
        "waiting for a worker": "pending",
    }
    baseline = sqlite_core.task_json(tasks["baseline"].id)
    assert list(baseline["hyperparams"]["Args"])[:3] == ["lr", "epochs", "batch-size"]
    assert baseline["hyperparams"]["Args"]["epochs"]["value"] == "5"
    assert baseline["configuration"]["model"]["type"] == "json"
    assert baseline["metrics"]["loss/train"] == 0.39
    assert tasks["high learning rate"].status_reason == "exit code 1"
    sweep = sqlite_core.task_json(tasks["momentum sweep"].id)["hyperparams"]["Args"]
    assert sweep["optimizer"]["value"] == "momentum"
    repo = Path(baseline["execution"]["repository"])
    subprocess.run(["git", "cat-file", "-e", baseline["execution"]["commit"]], cwd=repo, check=True)


def test_seeding_twice_does_nothing(sqlite_core: Core, tmp_path: Path) -> None:
    assert seed_demo(sqlite_core, tmp_path)
    count = len(sqlite_core.tasks.query(TaskQuery()))
    assert seed_demo(sqlite_core, tmp_path) is False
    assert len(sqlite_core.tasks.query(TaskQuery())) == count


def test_a_database_with_data_is_not_seeded(sqlite_core: Core, tmp_path: Path) -> None:
    sqlite_core.projects.create("mine")
    assert seed_demo(sqlite_core, tmp_path) is False
    assert sqlite_core.tasks.query(TaskQuery()) == []


def test_the_demo_script_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(RESOURCES / "train.py"), "--epochs", "2", "--config",
         str(RESOURCES / "config" / "model.json")],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )
    assert "epoch 2/2 loss=" in result.stdout
