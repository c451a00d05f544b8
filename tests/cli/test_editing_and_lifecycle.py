"""`set`, `clone` and the lifecycle commands end to end, and the console through `log`."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.core.api import Core
from tests.cli.conftest import Run, created_id, show

HOSTILE = "; rm -rf ~ \"quoted\" 'single' $HOME `id` ünïcødé"


def make_task(tt: Run, repo: Path) -> str:
    return created_id(tt("create", "--project", "P", "--name", "base", "--repo", str(repo), "--script", "train.py"))


def test_set_applies_every_kind_of_edit(tt: Run, repo: Path, tmp_path: Path) -> None:
    task_id = make_task(tt, repo)
    (tmp_path / "model.yaml").write_text("layers: 3\n")
    (tmp_path / "req.txt").write_text("numpy==2.0\n")
    (tmp_path / "fix.diff").write_text("diff --git a/x b/x\n")
    tt("set", task_id, "--param", "Args/lr=0.2", "--param", f"General/note={HOSTILE}", "--env", "SEED=7",
       "--property", "owner=me", "--config", f"model=@{tmp_path / 'model.yaml'}",
       "--requirements", f"@{tmp_path / 'req.txt'}", "--diff", f"@{tmp_path / 'fix.diff'}",
       "--tag", "v1", "--script", "train.py", "--working-dir", ".", "--container", "python:3.11",
       "--output-uri", "s3://minio.lab:9000/bucket/out", check=True)
    record = show(tt, task_id)
    assert record["hyperparams"]["Args"]["lr"]["value"] == "0.2"
    assert record["hyperparams"]["General"]["note"]["value"] == HOSTILE
    assert record["hyperparams"]["Environment"]["SEED"]["value"] == "7"
    assert record["user_properties"]["owner"]["value"] == "me"
    assert record["configuration"]["model"] == {"value": "layers: 3\n", "type": "yaml", "description": ""}
    execution = record["execution"]
    assert execution["requirements"] == "numpy==2.0\n" and execution["original_requirements"] == ""
    assert execution["diff"] == "diff --git a/x b/x\n"
    assert execution["tag"] == "v1" and execution["commit"] is None
    assert execution["container"]["image"] == "python:3.11"
    assert execution["output_uri"] == "s3://minio.lab:9000/bucket/out"
    tt("set", task_id, "--clear-diff", "--branch", "dev", check=True)
    execution = show(tt, task_id)["execution"]
    assert execution["diff"] == "" and execution["branch"] == "dev" and execution["tag"] is None


def test_lifecycle_commands(tt: Run, repo: Path, sqlite_url: str) -> None:
    task_id = make_task(tt, repo)
    tt("tag", task_id, "best", "baseline", check=True)
    tt("rename", task_id, "renamed", check=True)
    tt("enqueue", task_id, check=True)
    tt("queue", "create", "gpu", check=True)
    other = created_id(tt("clone", task_id, "--name", "sibling"))
    tt("enqueue", other, "--queue", "gpu", check=True)
    assert "sibling" in tt("queue", "show", "gpu", check=True).stdout
    tt("dequeue", other, check=True)
    assert show(tt, other)["status"] == "draft"
    tt("abort", task_id, check=True)
    record = show(tt, task_id)
    assert record["status"] == "aborted" and record["name"] == "renamed" and record["tags"] == ["baseline", "best"]
    tt("reset", task_id, check=True)
    tt("enqueue", task_id, check=True)
    core = Core.open(sqlite_url)
    try:
        core.queues.pop(["default"], worker="w", host="h")
        core.results.append_console(task_id, [("stdout", "line one"), ("stderr", "  spaced  "), ("stdout", "")])
        core.lifecycle.fail(task_id, "exit code 3")
    finally:
        core.close()
    assert tt("log", task_id, check=True).stdout == "line one\n  spaced  \n\n"
    assert tt("log", task_id, "--follow", check=True).stdout == "line one\n  spaced  \n\n"
    tt("retry", task_id, check=True)
    assert show(tt, task_id)["status"] == "pending"
    tt("archive", task_id, check=True)
    assert show(tt, task_id)["archived"] is True and show(tt, task_id)["status"] == "failed"
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
    assert "resnet" in tt("model", "list", check=True).stdout
    assert '"dog": 1' in tt("model", "show", model_id, "--json", check=True).stdout
