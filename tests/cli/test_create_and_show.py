"""`create`, `show` and `list` through the real command."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.support.cli import Run, add_draft, created_id, opened, show
from tests.support.git import git

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
    assert set(record["execution"]["container"]) == {"image", "arguments", "setup_script", "use_image_env"}
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
                "--queue", "default", "--args", "--verbose")  # a lone option is still the value of --args
    task_id = created_id(result)
    assert result.stderr == (
        "warning: no worker watches queue 'default'; start one with: tasktune worker --queue default\n"
    )
    record = show(tt, task_id)
    assert record["status"] == "pending" and record["execution"]["queue"] == "default"
    assert record["hyperparams"]["Args"]["verbose"]["value"] == "true"


def test_create_options_reach_the_record(tt: Run, repo: Path, tmp_path: Path) -> None:
    (repo / "configs").mkdir()
    (repo / "configs" / "base.yaml").write_text("lr: 1\n")
    git(repo, "add", "configs")
    git(repo, "commit", "-q", "-m", "configs")
    first_commit = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    (tmp_path / "requirements.txt").write_text("torch==2.3\nnumpy\n")
    task_id = created_id(tt(
        "create", "--project", "P", "--name", "pinned", "--repo", str(repo), "--script", "train.py",
        "--commit", first_commit, "--working-dir", "configs", "--binary", "python3.11", "--type", "testing",
        "--args", "--run-name 'a b; rm -rf ~' --epochs 7", "--requirements", str(tmp_path / "requirements.txt"),
        "--container", "pytorch/pytorch:2.3", "--container-args", "--gpus all", "--output-uri", "s3://minio:9000/b/out",
    ))
    record = show(tt, task_id)
    execution = record["execution"]
    assert (execution["commit"], execution["tag"], execution["diff"]) == (first_commit, None, "")
    assert (execution["working_dir"], execution["binary"], record["type"]) == ("configs", "python3.11", "testing")
    assert execution["requirements"] == execution["original_requirements"] == "torch==2.3\nnumpy\n"
    assert execution["container"] == {"image": "pytorch/pytorch:2.3", "arguments": "--gpus all", "setup_script": "",
                                      "use_image_env": False}
    assert execution["output_uri"] == "s3://minio:9000/b/out"
    args = record["hyperparams"]["Args"]
    assert args["run-name"]["value"] == "a b; rm -rf ~"
    assert (args["epochs"]["value"], args["lr"]["value"]) == ("7", "0.01")


def test_list_filters_sorts_and_limits(tt: Run) -> None:
    url = tt.db_url
    alpha = add_draft(url, "alpha run", "A", tags=("best",))
    beta = add_draft(url, "beta run", "A/sub")
    gamma = add_draft(url, "gamma", "B", tags=("best", "old"))
    with opened(url) as core:
        core.lifecycle.enqueue(beta)
        core.lifecycle.archive(gamma)

    def ids(*argv: str) -> list[str]:
        return [row["id"] for row in json.loads(tt("list", "--json", *argv, check=True).stdout)]

    assert ids("--sort", "name", "--ascending") == [alpha, beta]
    assert ids("--project", "A", "--sort", "name", "--ascending") == [alpha, beta]  # subprojects included
    assert ids("--status", "pending,completed") == ids("--status", "pending", "--status", "completed") == [beta]
    assert ids("--tag", "best") == [alpha]
    assert ids("--archived") == [gamma]
    assert ids("--search", "run", "--sort", "name", "--ascending", "--limit", "1") == [alpha]
    assert ids("--search", gamma[:6], "--archived") == [gamma]
    assert ids("--user", "nobody-here") == []


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
    table = tt("list", check=True).stdout.splitlines()
    header, row = table[0], table[1]
    assert row.split()[:3] == [task_id, "draft", "readable"]
    assert [row.index(cell) for cell in (task_id, "draft", "readable", "P ")] == [
        header.index(title) for title in ("ID", "STATUS", "NAME", "PROJECT")
    ]


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


def test_a_script_whose_arguments_cannot_be_read_is_created_with_a_note(tt: Run, repo: Path) -> None:
    (repo / "broken.py").write_text("def main(:\n    pass\n")
    (repo / "app.py").write_text('import hydra\n@hydra.main(config_path="conf", config_name="config")\ndef m(c):\n'
                                 '    pass\n')
    (repo / "conf").mkdir()
    (repo / "conf" / "config.yaml").write_text("defaults:\n  - db: mysql\n")
    (repo / "conf" / "db").mkdir()
    (repo / "conf" / "db" / "mysql.yaml").write_text("port: 1\n")
    task_id = created_id(tt("create", "--project", "p", "--name", "n", "--repo", str(repo), "--script", "broken.py"))
    assert show(tt, task_id)["status_message"].startswith(
        "No command-line arguments found: broken.py cannot be read as Python (line 1)")
    refused = tt("create", "--project", "p", "--name", "n", "--repo", str(repo), "--script", "app.py",
                 "--args", "db=oracle")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "the Hydra config does not compose" in refused.stderr and "oracle" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
