"""`set`, `clone` and the lifecycle commands end to end, and the console through `log`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import Run, add_draft, created_id, opened, show
from tests.support.git import git

HOSTILE = "; rm -rf ~ \"quoted\" 'single' $HOME `id` ünïcødé 🚀\nsecond line\ttab = x/y"


def make_task(tt: Run, repo: Path) -> str:
    return created_id(tt("create", "--project", "P", "--name", "base", "--repo", str(repo), "--script", "train.py"))


def test_set_applies_every_kind_of_edit(tt: Run, repo: Path, tmp_path: Path) -> None:
    task_id = make_task(tt, repo)
    git(repo, "tag", "v1")  # a tag and a branch set must exist in the repository
    git(repo, "branch", "dev")
    (tmp_path / "model.yaml").write_text("layers: 3\n")
    (tmp_path / "data.json").write_text('{"n": 1}')
    (tmp_path / "notes.cfg").write_text("[x]\n")
    (tmp_path / "req.txt").write_text("numpy==2.0\n")
    (tmp_path / "fix.diff").write_text("diff --git a/x b/x\n")
    tt("set", task_id, "--param", "Args/lr=0.2", "--param", f"General/note={HOSTILE}", "--env", "SEED=7",
       "--property", "owner=me", "--property", f"why={HOSTILE}", "--config", f"model=@{tmp_path / 'model.yaml'}",
       "--config", f"data=@{tmp_path / 'data.json'}", "--config", f"notes=@{tmp_path / 'notes.cfg'}",
       "--requirements", f"@{tmp_path / 'req.txt'}", "--diff", f"@{tmp_path / 'fix.diff'}",
       "--tag", "v1", "--script", "train.py", "--working-dir", ".", "--container", "python:3.11",
       "--output-uri", "s3://minio.lab:9000/bucket/out", check=True)
    record = show(tt, task_id)
    assert record["hyperparams"]["Args"]["lr"]["value"] == "0.2"
    assert record["hyperparams"]["General"]["note"]["value"] == HOSTILE
    assert record["hyperparams"]["Environment"]["SEED"]["value"] == "7"
    assert record["user_properties"]["owner"]["value"] == "me"
    assert record["user_properties"]["why"]["value"] == HOSTILE
    assert record["configuration"]["model"] == {"value": "layers: 3\n", "type": "yaml", "description": ""}
    assert [c["type"] for c in record["configuration"].values()] == ["yaml", "json", "txt"]
    execution = record["execution"]
    assert execution["requirements"] == "numpy==2.0\n" and execution["original_requirements"] == ""
    assert execution["diff"] == "diff --git a/x b/x\n"
    assert execution["tag"] == "v1" and execution["commit"] is None
    assert execution["container"]["image"] == "python:3.11"
    assert execution["output_uri"] == "s3://minio.lab:9000/bucket/out"
    tt("set", task_id, "--clear-diff", "--branch", "dev", check=True)
    execution = show(tt, task_id)["execution"]
    assert execution["diff"] == "" and execution["branch"] == "dev" and execution["tag"] is None
    clone = show(tt, created_id(tt("clone", task_id, "--project", "Copies")))
    assert (clone["name"], clone["parent"], clone["project"], clone["status"]) == (
        "Clone Of base", task_id, "Copies", "draft")
    assert clone["hyperparams"] == show(tt, task_id)["hyperparams"]


def test_lifecycle_commands(tt: Run, repo: Path, sqlite_url: str) -> None:
    task_id = make_task(tt, repo)
    tt("tag", task_id, "best", "baseline", "stale", check=True)
    tt("tag", task_id, "stale", "--remove", check=True)
    tt("rename", task_id, "renamed", check=True)
    tt("describe", task_id, "first try\nwith notes", check=True)
    tt("enqueue", task_id, check=True)
    tt("queue", "create", "gpu", check=True)
    other = created_id(tt("clone", task_id, "--name", "sibling"))
    warning = tt("enqueue", other, "--queue", "gpu", check=True).stderr
    assert warning == "warning: no worker watches queue 'gpu'; start one with: tasktune worker --queue gpu\n"
    assert "sibling" in tt("queue", "show", "gpu", check=True).stdout
    tt("dequeue", other, check=True)
    assert show(tt, other)["status"] == "draft"
    with opened(sqlite_url) as core:
        core.workers.register("lab-host", 4242, ["gpu"])
    assert tt("enqueue", other, "--queue", "gpu", check=True).stderr == ""  # watched: no warning
    tt("dequeue", other, check=True)
    tt("abort", task_id, check=True)
    record = show(tt, task_id)
    assert record["status"] == "aborted" and record["name"] == "renamed" and record["tags"] == ["baseline", "best"]
    assert record["description"] == "first try\nwith notes" and record["status_reason"] == "user abort"
    tt("reset", task_id, check=True)
    tt("enqueue", task_id, check=True)
    with opened(sqlite_url) as core:
        core.queues.pop(["default"], worker="w", host="h")
        core.lifecycle.fail(task_id, "exit code 3")
    tt("retry", task_id, check=True)
    assert show(tt, task_id)["status"] == "pending"
    tt("archive", task_id, check=True)
    archived = show(tt, task_id)
    assert archived["archived"] is True and archived["status"] == "failed"
    tt("restore", task_id, check=True)
    tt("move", task_id, "--project", "Elsewhere/deep", check=True)
    assert show(tt, task_id)["project"] == "Elsewhere/deep"
    tt("publish", task_id, check=True)
    assert show(tt, task_id)["status"] == "published"
    tt("delete", other, check=True)
    assert tt("show", other).returncode == 1


def test_queue_project_and_model_commands(tt: Run, tmp_path: Path) -> None:
    tt("queue", "create", "cpu", check=True)
    assert "cpu" in tt("queue", "list", check=True).stdout
    tt("queue", "delete", "cpu", check=True)
    assert "cpu" not in tt("queue", "list", check=True).stdout
    project_id = created_id(tt("project", "create", "lab/vision"))
    assert project_id.isdigit()
    assert "lab/vision" in tt("project", "list", check=True).stdout
    (tmp_path / "net.txt").write_text("conv -> relu\n")
    model_id = created_id(tt("model", "create", "--name", "resnet", "--project", "lab/vision",
                             "--design", f"@{tmp_path / 'net.txt'}", "--labels", '{"cat": 0, "dog": 1}'))
    loose_id = created_id(tt("model", "create", "--name", "loose"))
    listing = [row.split()[:2] for row in tt("model", "list", check=True).stdout.splitlines()]
    assert listing == [[loose_id, "loose"], [model_id, "resnet"]]  # newest first
    in_project = json.loads(tt("model", "list", "--project", "lab/vision", "--json", check=True).stdout)
    assert [m["id"] for m in in_project] == [model_id]
    model = json.loads(tt("model", "show", model_id, "--json", check=True).stdout)
    assert {k: model[k] for k in ("name", "project", "design", "labels")} == {
        "name": "resnet", "project": "lab/vision", "design": "conv -> relu\n", "labels": {"cat": 0, "dog": 1}}
    assert "resnet" in tt("model", "show", model_id, check=True).stdout


def test_queue_show_and_move(tt: Run) -> None:
    url = tt.db_url
    first, second, third = (add_draft(url, name) for name in ("first", "second", "third"))
    with opened(url) as core:
        for task_id in (first, second, third):
            core.lifecycle.enqueue(task_id)

    def order() -> list[list[str]]:
        return [line.split() for line in tt("queue", "show", "default", check=True).stdout.splitlines()]

    assert order() == [["1", first, "first"], ["2", second, "second"], ["3", third, "third"]]
    tt("queue", "move", third[:6], "--to", "front", check=True)
    tt("queue", "move", first, "--to", "back", check=True)
    tt("queue", "move", second, "--to", "down", check=True)
    assert [row[1] for row in order()] == [third, first, second]
    listing = tt("queue", "list", check=True).stdout.splitlines()
    assert listing[0].split() == ["QUEUE", "PENDING", "WORKERS", "HOST"]
    assert listing[1].split() == ["default", "3", "0", "local"]


def test_json_escapes_terminal_controls_and_keeps_other_text_readable(tt: Run, repo: Path) -> None:
    task_id = created_id(tt("create", "--project", "P", "--name", "t", "--repo", str(repo), "--script", "train.py"))
    value = "\x9b31mred\x9b0m \x1b[2J del\x7f ünïcødé"
    tt("set", task_id, "--param", f"General/note={value}", check=True)
    shown = tt("show", task_id, "--json", check=True).stdout
    assert not any(ch in shown for ch in "\x9b\x1b\x7f")  # nothing a terminal would act on
    assert "\\u009b31mred" in shown and "ünïcødé" in shown
    assert json.loads(shown)["hyperparams"]["General"]["note"]["value"] == value
