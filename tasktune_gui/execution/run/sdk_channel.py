"""The worker's end of the SDK channel: the task's values written for the script, its events file read back."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tasktune_gui.core.api import Core
from tasktune_gui.core.assets import package_path
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.models import Artifact
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.core.retry import Backoff, is_disconnect
from tasktune_gui.execution.run.console import BatchSink
from tasktune_gui.execution.stores.buckets import StoreError
from tasktune_gui.execution.stores.models import file_digest
from tasktune_gui.execution.stores.outputs import publish

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
    """Follows the events file a script's SDK appends JSON lines to, and stores what they report.

    Events are stored in the order they were written. While the database is unreachable they wait here (the
    file keeps them too) and go in once it is back: their text lines through the run's console spool, with the
    task's own; scalars in a batch that, after a failed write, is looked for before it is written again."""

    def __init__(self, core: Core, task_id: str, path: Path, follow: bool = True,
                 console: BatchSink | None = None) -> None:
        self.core = core
        self.task_id = task_id
        self.path = path
        self.console: BatchSink = console or (lambda lines: core.results.append_console(task_id, lines))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        self._offset = 0
        self._pending: deque[dict[str, Any]] = deque()  # read, not yet stored
        self._uncertain = False  # the last scalar write failed: it may have committed
        self._backoff = Backoff()
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
            self._stop.wait(self._backoff.delay if self._backoff.failures else READ_INTERVAL_S)
        self.read_new()

    def read_new(self) -> bool:
        """Read what was appended and store what is pending; False while the database is unreachable."""
        self._read()
        try:
            self._store()
        except Exception as exc:
            if not is_disconnect(exc):
                raise
            if self._backoff.failures == 0:
                log.warning("task %s: database unreachable; keeping its SDK events here", self.task_id)
            self._backoff.next_delay()
            return False
        self._backoff.reset()
        return True

    def _read(self) -> None:
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
        for raw in data[:end].split(b"\n"):
            try:
                event = json.loads(raw)
                if not isinstance(event, dict):
                    raise TypeError(type(event).__name__)
            except (ValueError, TypeError):
                log.warning("task %s: unreadable SDK event %r", self.task_id, raw[:200])
                continue
            self._pending.append(event)

    def _store(self) -> None:
        """Pending events, oldest first: each run of scalars in one write, removed once stored."""
        while self._pending:
            event = self._pending[0]
            kind = event.get("kind")
            if kind == "scalar":
                run: list[dict[str, Any]] = []
                for later in self._pending:
                    if later.get("kind") != "scalar":
                        break
                    run.append(later)
                try:
                    self._store_scalars(run)
                except Exception as exc:
                    if is_disconnect(exc):
                        raise
                    # The task is gone, or the values cannot be stored: nothing to wait for.
                    self._uncertain = False
                    log.warning("task %s: %d scalars not stored: %s", self.task_id, len(run), exc)
                for _ in run:
                    self._pending.popleft()
                continue
            try:
                if kind == "text":
                    self.console([("stdout", str(event["text"]))])
                elif kind in ("artifact", "model"):
                    store_event(self.core, self.task_id, event)
            except (ValueError, KeyError, TypeError, AttributeError, OSError, TaskTuneError):
                log.warning("task %s: unreadable SDK event %r", self.task_id, str(event)[:200])
            self._pending.popleft()

    def _store_scalars(self, events: list[dict[str, Any]]) -> None:
        points: list[ScalarPoint] = []
        for event in events:
            try:
                points.append(ScalarPoint(str(event["title"]), str(event["series"]), int(event["iteration"]),
                                          float(event["value"]), _reported_at(event)))
            except (ValueError, KeyError, TypeError):
                log.warning("task %s: unreadable SDK event %r", self.task_id, str(event)[:200])
        if not points:
            return
        try:
            if not (self._uncertain and self._scalars_stored(points)):
                self.core.results.report_scalars(self.task_id, points)
        except Exception:
            self._uncertain = True
            raise
        self._uncertain = False

    def _scalars_stored(self, points: list[ScalarPoint]) -> bool:
        """Whether a write whose answer was lost committed (one transaction writes the batch whole)."""
        last = points[-1]
        return any((p.metric, p.series, p.iteration, p.value) == (last.metric, last.series, last.iteration, last.value)
                   for p in self.core.results.scalars(self.task_id))

    def close(self) -> None:
        """Read what the script wrote last, store every event (waiting while the database is away), then stop."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()  # its last read is after the stop
        while not self.read_new():
            time.sleep(self._backoff.delay)


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
