"""The SDK under a worker: connected values, configuration paths, scalars and text reach the task."""

from __future__ import annotations

import os
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for

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
    scalars = sqlite_core.results.scalars(task_id)
    assert scalars == [ScalarPoint("loss", "train", i, 1.0 / (i + 1)) for i in range(3)]
    # Stamped by the script's clock when reported, for the wall-time axis.
    assert all(p.time is not None and task.started is not None
               and p.time.replace(tzinfo=None) >= task.started.replace(tzinfo=None) for p in scalars)
    assert sqlite_core.tasks.get(task_id).last_iteration == 2


OUTPUTS_SCRIPT = """\
from pathlib import Path
from tasktune_gui import sdk
source = sdk.input_model()
print("input", source.read_text() if source else None)
Path("weights.bin").write_bytes(b"\\x00trained")
sdk.upload_artifact("metrics", {"accuracy": 0.9})
sdk.upload_artifact("weights file", "weights.bin")
sdk.register_output_model("weights.bin", name="classifier", labels={"cat": 0, "dog": 1})
"""


def test_sdk_artifacts_models_and_input_model(sqlite_core: Core, worker: Worker, repo: Path, tmp_path: Path) -> None:
    import hashlib
    import json

    (repo / "outputs.py").write_text(OUTPUTS_SCRIPT)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "outputs")
    pretrained = tmp_path / "pretrained.txt"
    pretrained.write_text("base weights")
    model_id = sqlite_core.models.create("base", uri=pretrained.as_uri())
    destination = tmp_path / "results"
    task_id = add_task(sqlite_core, repo, entry_point="outputs.py", output_uri=str(destination),
                       input_model_id=model_id)
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), what="the end")
    assert sqlite_core.tasks.get(task_id).status == "completed", sqlite_core.tasks.get(task_id).status_message
    assert "input base weights" in [line.text for line in sqlite_core.results.console(task_id)]
    artifacts = {a.name: a for a in sqlite_core.results.artifacts(task_id)}
    assert set(artifacts) == {"metrics", "weights file"}
    kept = Path(artifacts["weights file"].uri.removeprefix("file://"))
    assert kept.is_relative_to(destination / task_id)
    assert artifacts["weights file"].hash == hashlib.sha256(b"\x00trained").hexdigest()
    assert artifacts["weights file"].size == len(b"\x00trained")
    assert json.loads(Path(artifacts["metrics"].uri.removeprefix("file://")).read_text()) == {"accuracy": 0.9}
    record = sqlite_core.task_json(task_id)
    assert len(record["output_models"]) == 1
    model = sqlite_core.models.get(record["output_models"][0])
    assert (model.name, model.labels, model.task_id) == ("classifier", {"cat": 0, "dog": 1}, task_id)


LIVE_SCRIPT = """\
import sys
from tasktune_gui import sdk
sdk.report_scalar("loss", "train", 0.5, 0)
with open(sys.argv[1]) as go_on:  # a FIFO: blocks until the test has seen the value
    go_on.read()
"""


def test_events_of_a_running_task_arrive_while_it_runs(sqlite_core: Core, worker: Worker, repo: Path,
                                                        tmp_path: Path) -> None:
    (repo / "live.py").write_text(LIVE_SCRIPT)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "live")
    fifo = tmp_path / "go-on"
    os.mkfifo(fifo)
    args = {"Args": {"fifo": {"value": str(fifo), "type": "positional", "description": ""}}}
    task_id = add_task(sqlite_core, repo, entry_point="live.py", hyperparameters=args)
    wait_for(sqlite_core, lambda: sqlite_core.results.scalars(task_id), what="the scalar, while the task runs")
    assert status(sqlite_core, task_id) == "running"
    fifo.write_text("done\n")
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "completed", what="the end")
