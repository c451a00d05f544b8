"""`create`, `show` and `list` through the real command."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.cli.conftest import Run, created_id, git, show

DOCUMENTED_KEYS = (
    "id name type project parent description tags user archived status status_reason status_message created "
    "started completed last_update execution hyperparams user_properties configuration input_model "
    "output_models labels last_iteration metrics runtime"
).split()
EXECUTION_KEYS = (
    "repository branch tag commit entry_point working_dir binary requirements original_requirements diff "
    "container output_uri queue"
).split()


def test_create_records_the_working_copy(tt: Run, repo: Path) -> None:
    task_id = created_id(tt("create", "--project", "vision/detection", "--name", "base", "--repo", str(repo),
                            "--script", "train.py", "--args", "--lr 0.5 --verbose"))
    record = show(tt, task_id)
    assert all(key in record for key in DOCUMENTED_KEYS)
    assert all(key in record["execution"] for key in EXECUTION_KEYS)
    assert set(record["execution"]["container"]) == {"image", "arguments", "setup_script"}
    assert set(record["runtime"]) >= {"worker", "host", "pid", "exit_code"}
    execution = record["execution"]
    assert execution["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert execution["branch"] == "main"
    assert execution["entry_point"] == "train.py"
    assert "notes.txt" in execution["diff"]
    args = record["hyperparams"]["Args"]
    assert list(args) == ["lr", "epochs", "run-name", "verbose"]
    assert args["lr"] == {"value": "0.5", "type": "float", "description": "learning rate"}
    assert args["verbose"]["value"] == "true"
    assert args["run-name"]["value"] == ""
    assert record["status"] == "draft" and record["project"] == "vision/detection"
    created = datetime.fromisoformat(record["created"])
    assert created.utcoffset() is not None and created.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_create_with_queue_enqueues_and_warns(tt: Run, repo: Path) -> None:
    result = tt("create", "--project", "P", "--name", "n", "--repo", str(repo), "--script", "train.py",
                "--queue", "default")
    task_id = created_id(result)
    assert "no worker watches queue 'default'" in result.stderr
    assert show(tt, task_id)["status"] == "pending"


def test_list_filters_and_json(tt: Run, repo: Path) -> None:
    first = created_id(tt("create", "--project", "A", "--name", "one", "--repo", str(repo), "--script", "train.py"))
    second = created_id(tt("clone", first, "--project", "B"))
    tt("enqueue", second, check=True)
    rows = json.loads(tt("list", "--json", check=True).stdout)
    assert {r["id"] for r in rows} == {first, second}
    assert all({"id", "name", "project", "status"} <= set(r) for r in rows)
    pending = json.loads(tt("list", "--status", "pending", "--json", check=True).stdout)
    assert [r["id"] for r in pending] == [second]
    in_a = json.loads(tt("list", "--project", "A", "--json", check=True).stdout)
    assert [r["id"] for r in in_a] == [first]
    table = tt("list", check=True).stdout.splitlines()
    assert table[0].split() == ["ID", "STATUS", "NAME", "PROJECT", "UPDATED"]
    assert len(table) == 3


def test_human_show_and_short_ids(tt: Run, repo: Path) -> None:
    task_id = created_id(tt("create", "--project", "P", "--name", "readable", "--repo", str(repo),
                            "--script", "train.py"))
    out = tt("show", task_id[:6], check=True).stdout
    assert "readable" in out and task_id in out and "lr = 0.01" in out


def test_positional_arguments_are_marked(tt: Run, repo: Path) -> None:
    (repo / "eval.py").write_text(
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('data')\n"
        "p.add_argument('--k', type=int, default=5)\np.add_argument('count', type=int)\n"
    )
    task_id = created_id(tt("create", "--project", "P", "--name", "e", "--repo", str(repo), "--script", "eval.py",
                            "--args", "train.csv 3"))
    args = show(tt, task_id)["hyperparams"]["Args"]
    assert args["data"] == {"value": "train.csv", "type": "positional:str", "description": ""}
    assert args["count"]["type"] == "positional:int"
    assert args["k"]["type"] == "int"


def test_no_command_seeds_the_demo_and_says_what_is_there(tt: Run, tmp_path: Path) -> None:
    result = tt(check=True)
    assert "Demo: 4 task(s)" in result.stdout
    rows = json.loads(tt("list", "--project", "Demo", "--json", check=True).stdout)
    assert len(rows) == 4
