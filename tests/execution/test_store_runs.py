"""Tasks run by a worker against real object stores: outputs uploaded, a clone's input model read from the bucket,
a destination that cannot be written failing the task at start; no secret anywhere it could be read."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.serialize import task_to_dict
from tasktune_gui.core.settings import settings_path
from tasktune_gui.execution.stores.buckets import location_for
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import commit_files
from tests.support.object_stores import AZURE_KEY, StoreServer, azurite_connection_string, destination, new_bucket
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for

TRAIN_SCRIPT = """\
from pathlib import Path
from tasktune_gui import sdk
source = sdk.input_model()
print("input", source.read_text() if source else None, "at", source)
Path("weights.bin").write_text("trained from " + (source.read_text() if source else "scratch"))
sdk.upload_artifact("metrics", {"accuracy": 0.9})
sdk.register_output_model("weights.bin", name="classifier")
"""
SECRETS = ("testing-secret-value", AZURE_KEY)


def _finish(core: Core, task_id: str) -> None:
    wait_for(core, lambda: status(core, task_id) in ("completed", "failed"), what="the end", timeout=60)


def _console(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id)]


def _record(core: Core, task_id: str) -> dict[str, Any]:
    with core.store.read() as session:
        return task_to_dict(session, core.tasks.get(task_id))


def _no_secret(core: Core, task_id: str, caplog: pytest.LogCaptureFixture) -> None:
    shown = json.dumps(_record(core, task_id))
    settings = settings_path().read_text() if settings_path().exists() else ""
    for text in (shown, settings, caplog.text, "\n".join(_console(core, task_id))):
        assert not any(secret in text for secret in SECRETS)


@pytest.fixture
def train_repo(repo: Path) -> Path:
    return commit_files(repo, {"train.py": TRAIN_SCRIPT}, "train")


@pytest.mark.parametrize("store", ["s3", "s3-https", "gcs", "azure"])
def test_outputs_uploaded_and_a_clone_reads_the_model(
    store: str, store_env: dict[str, StoreServer], sqlite_core: Core, worker: Worker, train_repo: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server = store_env[store]
    output_uri = destination(server, new_bucket(server))
    first = add_task(sqlite_core, train_repo, entry_point="train.py", output_uri=output_uri)
    _finish(sqlite_core, first)
    assert sqlite_core.tasks.get(first).status == "completed", sqlite_core.tasks.get(first).status_message
    artifact, = sqlite_core.results.artifacts(first)
    assert artifact.uri == f"{output_uri}/{first}/artifacts/metrics.json"
    location = location_for(artifact.uri)
    assert json.loads(location.filesystem().cat_file(location.path)) == {"accuracy": 0.9}
    model_id, = _record(sqlite_core, first)["output_models"]
    model = sqlite_core.models.get(model_id)
    assert model.uri == f"{output_uri}/{first}/models/weights.bin"
    content = b"trained from scratch"
    assert (model.size, model.hash) == (len(content), hashlib.sha256(content).hexdigest())

    clone = sqlite_core.tasks.clone(first)
    sqlite_core.editor.apply(clone, TaskEdit(input_model=model_id))
    sqlite_core.lifecycle.enqueue(clone)
    _finish(sqlite_core, clone)
    assert sqlite_core.tasks.get(clone).status == "completed", sqlite_core.tasks.get(clone).status_message
    said = next(line for line in _console(sqlite_core, clone) if line.startswith("input "))
    cached = Path(said.split(" at ", 1)[1])
    assert said.startswith("input trained from scratch at ")
    assert cached.is_relative_to(worker.config.cache_dir / "models" / model.hash)
    _no_secret(sqlite_core, clone, caplog)


def test_cached_model_is_reused_and_evicted_by_size(store_env: dict[str, StoreServer], tmp_path: Path) -> None:
    from tasktune_gui.execution.stores.models import ModelCache
    from tasktune_gui.execution.stores.outputs import publish

    server = store_env["s3"]
    output_uri = destination(server, new_bucket(server))
    uris = []
    for name in ("a.bin", "b.bin"):
        (tmp_path / name).write_bytes(name.encode() * 1000)
        uris.append(publish(tmp_path / name, output_uri, "t", "models"))
    digests = [hashlib.sha256(name.encode() * 1000).hexdigest() for name in ("a.bin", "b.bin")]
    cache = ModelCache(tmp_path / "models", max_bytes=5000)
    first = cache.fetch(uris[0], digests[0])
    assert first.read_bytes() == b"a.bin" * 1000
    location_for(uris[0]).filesystem().rm_file(location_for(uris[0]).path)  # a reuse must not ask the store
    assert cache.fetch(uris[0], digests[0]) == first
    os.utime(first.parent, (1, 1))  # used long ago
    second = cache.fetch(uris[1], digests[1])  # 10,000 bytes in a 5,000-byte cache: the older one goes
    assert second.is_file() and not first.exists()
    with pytest.raises(Exception, match="damaged"):
        cache.fetch(uris[1], "0" * 64)


@pytest.mark.parametrize(("store", "problem", "reason"), [
    ("s3", "bucket", "output destination: bucket not found"),
    ("gcs", "bucket", "output destination: bucket not found"),
    ("azure", "bucket", "output destination: bucket not found"),
    ("azure", "key", "output destination: credentials refused"),
])
def test_destination_that_cannot_be_written_fails_at_start(
    store: str, problem: str, reason: str, store_env: dict[str, StoreServer], sqlite_core: Core, worker: Worker,
    train_repo: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server = store_env[store]
    bucket = new_bucket(server)
    if problem == "bucket":
        bucket = "no-such-bucket"
    else:
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite_connection_string(server.port, "d3Jvbmc="))
    task_id = add_task(sqlite_core, train_repo, entry_point="train.py", output_uri=destination(server, bucket))
    _finish(sqlite_core, task_id)
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "failed"
    assert task.status_reason.startswith(reason)
    assert _console(sqlite_core, task_id) == []  # nothing ran
    _no_secret(sqlite_core, task_id, caplog)
