"""An SSH-bound queue's task with a bucket input model and a bucket destination: the model reaches the host,
the outputs come back and go up to the bucket from the worker's side."""

from __future__ import annotations

import json
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import git
from tests.support.object_stores import STORE_TASK_SCRIPT, StoreServer, model_in_bucket, read_uri
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for


def test_remote_run_reads_a_bucket_model_and_uploads_its_outputs(
    store_env: dict[str, StoreServer], sqlite_core: Core, ssh_worker: Worker, lab_queue: str, repo: Path,
    tmp_path: Path,
) -> None:
    (repo / "tune.py").write_text(STORE_TASK_SCRIPT)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "tune")
    model_id, output_uri = model_in_bucket(sqlite_core, store_env["s3"], tmp_path)
    task_id = add_task(sqlite_core, repo, queue=lab_queue, entry_point="tune.py", output_uri=output_uri,
                       input_model_id=model_id)
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), timeout=120)
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "completed", task.status_message
    assert "input base weights" in [line.text for line in sqlite_core.results.console(task_id)]
    artifact, = sqlite_core.results.artifacts(task_id)
    assert artifact.uri == f"{output_uri}/{task_id}/artifacts/metrics.json"
    assert json.loads(read_uri(artifact.uri)) == {"accuracy": 0.75}
    tuned = next(m for m, _ in sqlite_core.models.list(None) if m.task_id == task_id)
    assert read_uri(tuned.uri) == b"tuned from base weights"
