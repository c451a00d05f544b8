"""The SDK under a worker: connected values, configuration paths, scalars and text reach the task."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.execution.worker import Worker
from tests.execution.conftest import add_task, git, status, wait_for

SDK_SCRIPT = """\
from tasktune_gui import sdk
params = sdk.connect({"lr": 0.1, "epochs": 1, "augment": False}, name="General")
path = sdk.connect_configuration("model")
print("params", params["lr"], params["epochs"], params["augment"], type(params["lr"]).__name__)
print("config", path.read_text())
for step in range(3):
    sdk.report_scalar("loss", "train", 1.0 / (step + 1), step)
sdk.report_text("hello from the sdk")
"""


def test_sdk_values_and_reports(sqlite_core: Core, worker: Worker, repo: Path) -> None:
    (repo / "uses_sdk.py").write_text(SDK_SCRIPT)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "sdk")
    general = {"General": {"lr": {"value": "0.5", "type": "", "description": ""},
                           "augment": {"value": "true", "type": "", "description": ""}}}
    config = {"model": {"value": "layers: 2", "type": "yaml", "description": ""}}
    task_id = add_task(sqlite_core, repo, entry_point="uses_sdk.py", hyperparameters=general, configuration=config)
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), what="the end")
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "completed", task.status_message
    lines = [line.text for line in sqlite_core.results.console(task_id)]
    assert "params 0.5 1 True float" in lines
    assert "config layers: 2" in lines
    assert "hello from the sdk" in lines
    assert sqlite_core.results.scalars(task_id) == [ScalarPoint("loss", "train", i, 1.0 / (i + 1)) for i in range(3)]
    assert sqlite_core.tasks.get(task_id).last_iteration == 2
