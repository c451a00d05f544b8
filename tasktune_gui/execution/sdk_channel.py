"""The worker's end of the SDK channel: the task's values written for the script, its events file read back."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tasktune_gui.core.api import Core
from tasktune_gui.core.assets import package_path
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.models import Artifact
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.execution.model_cache import file_digest
from tasktune_gui.execution.outputs import publish
from tasktune_gui.execution.stores import StoreError

log = logging.getLogger(__name__)
TASK_FILE_VARIABLE = "TASKTUNE_TASK_FILE"
EVENTS_VARIABLE = "TASKTUNE_EVENTS"
OUTPUT_DIR_VARIABLE = "TASKTUNE_OUTPUT_DIR"
READ_INTERVAL_S = 0.2


@functools.cache  # the worker's own SDK, as imported: read and hashed once, not for every run
def sdk_files() -> tuple[dict[str, bytes], str]:
    """The SDK package (standard library only) for the task's PYTHONPATH, and its folder name by content."""
    files = {"tasktune_gui/__init__.py": package_path("tasktune_gui", "__init__.py").read_bytes(),
             "tasktune_gui/sdk/__init__.py": package_path("tasktune_gui.sdk", "__init__.py").read_bytes()}
    digest = hashlib.sha256(b"".join(files.values())).hexdigest()[:12]
    return files, f"sdk-{digest}"


def install_sdk(folder: Path) -> Path:
    """A folder holding only `tasktune_gui.sdk` (standard library only) for the task's PYTHONPATH; putting the
    worker's own site-packages there would leak its packages into the task's environment."""
    files, _name = sdk_files()
    for relative, data in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    return folder


def shared_sdk(root: Path) -> Path:
    """The same folder, made once per SDK version under `root` and shared by every run: a copy in each run
    folder cost two files and four folders a task. Made under a temporary name and renamed into place, as
    several workers may share `root`."""
    files, name = sdk_files()
    folder = root / name
    if not (folder / "tasktune_gui" / "sdk" / "__init__.py").is_file():
        partial = root / f"{name}.{uuid.uuid4().hex}.partial"
        try:
            install_sdk(partial)
            for relative in files:
                (partial / relative).chmod(0o444)  # runs share it: read only
            try:
                os.rename(partial, folder)
            except OSError:
                if not folder.is_dir():  # not another worker's copy put there first
                    raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return folder


def write_task_file(
    path: Path, task_id: str, hyperparameters: dict[str, dict[str, dict[str, str]]], input_model_uri: str = ""
) -> None:
    """What `sdk.connect` returns (each section's values as the task holds them) and the input model's URI."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sections = {section: {name: spec.get("value", "") for name, spec in names.items()}
                for section, names in hyperparameters.items()}
    record = {"id": task_id, "hyperparameters": sections, "input_model_uri": input_model_uri}
    path.write_text(json.dumps(record), encoding="utf-8")


class EventsReader:
    """Follows the events file a script's SDK appends JSON lines to, and stores what they report."""

    def __init__(self, core: Core, task_id: str, path: Path, follow: bool = True) -> None:
        self.core = core
        self.task_id = task_id
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        self._offset = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if follow:
            self.follow()

    def follow(self) -> None:
        """Read what the script appends every READ_INTERVAL_S from now on. A task that ends sooner needs no
        thread: `close` reads its events."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=f"sdk-events-{self.task_id}", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.read_new()
            self._stop.wait(READ_INTERVAL_S)
        self.read_new()

    def read_new(self) -> None:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except OSError:
            return
        end = data.rfind(b"\n")
        if end < 0:
            return  # only a line still being written
        self._offset += end + 1
        scalars: list[ScalarPoint] = []
        texts: list[tuple[str, str]] = []
        for raw in data[:end].split(b"\n"):
            try:
                event = json.loads(raw)
                if event.get("kind") == "scalar":
                    scalars.append(ScalarPoint(str(event["title"]), str(event["series"]), int(event["iteration"]),
                                               float(event["value"]), _reported_at(event)))
                elif event.get("kind") == "text":
                    texts.append(("stdout", str(event["text"])))
                elif event.get("kind") in ("artifact", "model"):
                    store_event(self.core, self.task_id, event)
            except (ValueError, KeyError, TypeError, AttributeError, OSError, TaskTuneError):
                log.warning("task %s: unreadable SDK event %r", self.task_id, raw[:200])
        if scalars:
            self.core.results.report_scalars(self.task_id, scalars)
        if texts:
            self.core.results.append_console(self.task_id, texts)

    def close(self) -> None:
        """Read what the script wrote last, then stop following."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()  # its last read is after the stop
        else:
            self.read_new()


def store_event(core: Core, task_id: str, event: dict[str, Any]) -> None:
    """An artifact or an output model the SDK reported: copied to the output destination, recorded on the task.

    An upload that fails after its retries is said in the console; the record keeps the file's local path."""
    local = Path(event["path"])
    kind = "artifacts" if event["kind"] == "artifact" else "models"
    destination = core.tasks.get(task_id).output_uri

    def say(text: str, stream: str = "stdout") -> None:
        core.results.append_console(task_id, [(stream, f"tasktune: {text}")])

    try:
        uri = publish(local, destination, task_id, kind, say, recorded_sha256=str(event.get("hash") or ""))
    except StoreError as exc:
        log.warning("task %s: %s", task_id, exc)
        say(f"upload of {local.name} to {destination} failed: {exc}", "stderr")
        uri = local.as_uri()
    if event["kind"] == "artifact":
        core.results.add_artifact(task_id, Artifact(
            task_id=task_id, name=str(event["name"]), uri=uri, size=int(event["size"]),
            hash=str(event["hash"]), type=str(event.get("type", ""))))
    elif event["kind"] == "model":
        core.models.create(str(event["name"]), uri=uri, framework=str(event.get("framework", "")),
                           labels={str(k): int(v) for k, v in dict(event["labels"]).items()}, task_id=task_id,
                           size=local.stat().st_size, hash=str(event.get("hash") or file_digest(local)))


def _reported_at(event: dict[str, Any]) -> datetime | None:
    """The script's own clock when it reported the value: events may be read a little later, or from a far host."""
    stamp = event.get("time")
    return datetime.fromtimestamp(float(stamp), UTC) if isinstance(stamp, (int, float)) else None
