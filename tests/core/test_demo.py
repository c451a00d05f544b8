"""The demo workspace: seeded once into an empty database, with real tasks from a real repository and script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.capture import ArgSpec, read_argparse_arguments
from tasktune_gui.core.demo import DemoUnavailable, demo_repository, demo_source, seed_demo
from tasktune_gui.core.tasks import TaskQuery
from tests.support.git import git

EPOCH = re.compile(r"epoch (\d+)/(\d+) loss=(\d+\.\d{4}) acc=(\d\.\d\d)")
ARG_NAMES = ["lr", "epochs", "batch-size", "optimizer", "seed", "run-name", "layers", "verbose", "config"]


def demo_tasks(core: Core) -> dict[str, dict[str, Any]]:
    return {t.name: core.task_json(t.id) for t in core.tasks.query(TaskQuery(project="Demo"))}


def test_seeding_an_empty_database(sqlite_core: Core, tmp_path: Path) -> None:
    assert seed_demo(sqlite_core, tmp_path) is True
    tasks = demo_tasks(sqlite_core)
    assert {name: t["status"] for name, t in tasks.items()} == {
        "baseline": "completed",
        "high learning rate": "failed",
        "momentum sweep": "draft",
        "waiting for a worker": "pending",
    }
    for task in tasks.values():
        assert list(task["hyperparams"]["Args"]) == ARG_NAMES
        assert task["execution"]["entry_point"] == "train.py"
        assert task["configuration"]["model"]["type"] == "json"
        assert json.loads(task["configuration"]["model"]["value"])["examples"] == 400
        assert task["user_properties"]["dataset"]["value"] == "circle-400"
        assert "demo" in task["tags"]
    baseline, failed = tasks["baseline"], tasks["high learning rate"]
    assert baseline["hyperparams"]["Args"]["epochs"] == {"value": "5", "type": "int",
                                                         "description": "passes over the training data"}
    assert baseline["runtime"]["exit_code"] == 0
    assert baseline["started"] and baseline["completed"]
    assert failed["status_reason"] == "exit code 1"
    assert "loss diverged" in failed["status_message"]
    assert failed["execution"]["queue"] == "default"  # so Retry knows where to go
    sweep = tasks["momentum sweep"]["hyperparams"]["Args"]
    assert (sweep["optimizer"]["value"], sweep["lr"]["value"], sweep["epochs"]["value"]) == ("momentum", "0.05", "10")
    assert [e.name for e in sqlite_core.queues.entries("default")] == ["waiting for a worker"]


def test_the_baseline_holds_what_its_run_printed(sqlite_core: Core, tmp_path: Path) -> None:
    seed_demo(sqlite_core, tmp_path)
    baseline = next(t for t in sqlite_core.tasks.query(TaskQuery(project="Demo")) if t.name == "baseline")
    lines = [line.text for line in sqlite_core.results.console(baseline.id)]
    epochs = [EPOCH.fullmatch(line) for line in lines if line.startswith("epoch ")]
    assert [m[1] for m in epochs if m] == ["1", "2", "3", "4", "5"]
    last = epochs[-1]
    assert last is not None
    record = sqlite_core.task_json(baseline.id)
    assert record["metrics"] == {"loss/train": float(last[3]), "accuracy/train": float(last[4])}
    assert record["last_iteration"] == 5
    scalars = sqlite_core.results.scalars(baseline.id)
    assert [(p.metric, p.iteration) for p in scalars if p.metric == "loss"] == [("loss", i) for i in range(1, 6)]
    failed = next(t for t in sqlite_core.tasks.query(TaskQuery(statuses=["failed"])))
    streams = [(line.stream, line.text) for line in sqlite_core.results.console(failed.id)]
    assert streams[-1][0] == "stderr" and streams[-1][1] == failed.status_message


def test_the_recorded_source_is_a_real_commit_of_a_clean_repository(sqlite_core: Core, tmp_path: Path) -> None:
    seed_demo(sqlite_core, tmp_path)
    execution = demo_tasks(sqlite_core)["baseline"]["execution"]
    repo = tmp_path / "demo-repo"
    assert Path(execution["repository"]).resolve() == repo.resolve()
    assert git(repo, "cat-file", "-t", execution["commit"]) == "commit"
    assert git(repo, "rev-parse", "HEAD") == execution["commit"]
    assert git(repo, "status", "--porcelain") == "" and execution["diff"] == ""
    assert git(repo, "ls-files").split() == ["README.md", "config/model.json", "requirements.txt", "train.py"]
    assert not list(tmp_path.glob(".demo-repo-*")), "the staging folder is removed"


def test_the_commit_needs_no_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty-home" / ".config"))
    repo = demo_repository(tmp_path / "data")
    assert git(repo, "log", "-1", "--format=%an <%ae> %cn <%ce>") == (
        "TaskTune <demo@tasktune.local> TaskTune <demo@tasktune.local>")


def test_seeding_twice_does_nothing(sqlite_core: Core, tmp_path: Path) -> None:
    assert seed_demo(sqlite_core, tmp_path)
    count = sqlite_core.tasks.count(TaskQuery())
    assert seed_demo(sqlite_core, tmp_path) is False
    assert sqlite_core.tasks.count(TaskQuery()) == count == 4


def test_a_database_with_data_is_not_seeded(sqlite_core: Core, tmp_path: Path) -> None:
    sqlite_core.projects.create("mine")
    assert seed_demo(sqlite_core, tmp_path) is False
    assert sqlite_core.tasks.count(TaskQuery()) == 0
    assert not (tmp_path / "demo-repo").exists(), "no work is done for a database already in use"


def test_the_default_folder_is_the_user_data_folder(
    sqlite_core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert seed_demo(sqlite_core)
    assert (tmp_path / "xdg" / "tasktune" / "demo-repo" / ".git").is_dir()


def test_an_existing_demo_repository_is_reused(sqlite_url: str, tmp_path: Path) -> None:
    first = Core.open(sqlite_url)
    seed_demo(first, tmp_path)
    first.close()
    commit = git(tmp_path / "demo-repo", "rev-parse", "HEAD")
    second = Core.open(f"sqlite:///{tmp_path / 'other.db'}")
    assert seed_demo(second, tmp_path)
    assert demo_tasks(second)["baseline"]["execution"]["commit"] == commit
    second.close()


def test_two_processes_starting_at_once_seed_once(sqlite_url: str, tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from tasktune_gui.core.api import Core; "
        "from tasktune_gui.core.demo import seed_demo; "
        "print(seed_demo(Core.open(sys.argv[1]), Path(sys.argv[2])))"
    )
    Core.open(sqlite_url).close()  # the schema exists before both start
    children = [
        subprocess.Popen([sys.executable, "-c", code, sqlite_url, str(tmp_path / "data")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _out, err in results]
    assert sorted(out.strip() for out, _err in results) == ["False", "True"]
    core = Core.open(sqlite_url)
    assert sorted(t.name for t in core.tasks.query(TaskQuery())) == [
        "baseline", "high learning rate", "momentum sweep", "waiting for a worker"]
    assert [p.name for p in core.projects.summaries()] == ["Demo"]
    core.close()


def test_missing_demo_files_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DemoUnavailable, match=r"demo repository is missing: no train\.py in"):
        demo_repository(tmp_path / "data", source=tmp_path / "nowhere")


def test_the_demo_script_runs_with_no_packages(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(demo_source() / "train.py"), "--epochs", "3", "--batch-size", "32",
         "--layers", "4", "--optimizer", "adam", "--verbose", "--config", str(demo_source() / "config" / "model.json")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    epochs = [EPOCH.fullmatch(line) for line in result.stdout.splitlines() if line.startswith("epoch ")]
    assert [(m[1], m[2]) for m in epochs if m] == [("1", "3"), ("2", "3"), ("3", "3")]
    assert "  batch 0 loss=" in result.stdout
    assert list(tmp_path.iterdir()) == []  # it writes nothing


def test_the_demo_script_fails_when_the_loss_blows_up(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(demo_source() / "train.py"), "--lr", "50", "--config",
         str(demo_source() / "config" / "model.json")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("loss diverged at epoch 1")


def test_the_capture_reads_the_demo_arguments() -> None:
    specs = read_argparse_arguments((demo_source() / "train.py").read_text(encoding="utf-8"))
    assert specs == [
        ArgSpec("lr", "0.5", "float", "learning rate"),
        ArgSpec("epochs", "10", "int", "passes over the training data"),
        ArgSpec("batch-size", "16", "int", "examples per gradient step"),
        ArgSpec("optimizer", "sgd", "str", "update rule"),
        ArgSpec("seed", "0", "int", "random seed for the data and the initial weights"),
        ArgSpec("run-name", "demo", "str", "a label printed with the results"),
        ArgSpec("layers", "[8]", "list", "hidden layer sizes (none: logistic regression)"),
        ArgSpec("verbose", "false", "bool", "print every batch"),
        ArgSpec("config", "config/model.json", "str", "data and optimizer settings (JSON)"),
    ]
