"""The Container section from the command line: the image-environment option on create and set, Draft only."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import Run, created_id, show


def test_use_image_env_on_create_and_set(tt: Run, repo: Path) -> None:
    task_id = created_id(tt("create", "--project", "P", "--name", "img", "--repo", str(repo), "--script", "train.py",
                            "--container", "lab/pytorch:2.3", "--use-image-env"))
    assert show(tt, task_id)["execution"]["container"]["use_image_env"] is True
    tt("set", task_id, "--no-use-image-env", check=True)
    assert show(tt, task_id)["execution"]["container"]["use_image_env"] is False
    tt("set", task_id, "--use-image-env", "--container-args", "--shm-size 8g", check=True)
    container = show(tt, task_id)["execution"]["container"]
    assert container == {"image": "lab/pytorch:2.3", "arguments": "--shm-size 8g", "setup_script": "",
                         "use_image_env": True}


def test_use_image_env_is_an_execution_edit_refused_outside_draft(tt: Run, repo: Path) -> None:
    task_id = created_id(tt("create", "--project", "P", "--name", "img", "--repo", str(repo), "--script", "train.py"))
    tt("enqueue", task_id, check=True)
    refused = tt("set", task_id, "--use-image-env")
    assert refused.returncode == 1
    assert "execution" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert show(tt, task_id)["execution"]["container"]["use_image_env"] is False
