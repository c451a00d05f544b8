"""A Docker-mode task with a bucket input model and a bucket destination: the container reads the cached model
from its run folder; the outputs go up to the bucket from the worker's side."""

from __future__ import annotations

import json
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import git
from tests.support.object_stores import STORE_TASK_SCRIPT, StoreServer, model_in_bucket, read_uri
from tests.support.runs import add_task, console, finished


def test_container_reads_a_bucket_model_and_its_outputs_are_uploaded(
    store_env: dict[str, StoreServer], sqlite_core: Core, docker_worker: Worker, repo: Path, tmp_path: Path,
) -> None:
    (repo / "tune.py").write_text(STORE_TASK_SCRIPT)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "tune")
    model_id, output_uri = model_in_bucket(sqlite_core, store_env["gcs"], tmp_path)
    task_id = add_task(sqlite_core, repo, entry_point="tune.py", output_uri=output_uri, input_model_id=model_id)
    assert finished(sqlite_core, task_id) == "completed", sqlite_core.tasks.get(task_id).status_message
    assert "input base weights" in console(sqlite_core, task_id)
    artifact, = sqlite_core.results.artifacts(task_id)
    assert json.loads(read_uri(artifact.uri)) == {"accuracy": 0.75}
    tuned = next(m for m, _ in sqlite_core.models.list(None) if m.task_id == task_id)
    assert tuned.uri.startswith(f"{output_uri}/{task_id}/models/")
    assert read_uri(tuned.uri) == b"tuned from base weights"
