"""What a task's own script imports to talk to TaskTune (standard library only: it runs in the task's environment)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

__all__ = [
    "connect",
    "init",
    "connect_configuration",
    "input_model",
    "register_output_model",
    "report_scalar",
    "report_text",
    "task_id",
    "upload_artifact",
]


def _task_file() -> dict[str, Any]:
    path = os.environ.get("TASKTUNE_TASK_FILE")
    if not path:
        return {}
    loaded: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return loaded


def task_id() -> str | None:
    """The id of the task this script runs as, under a worker; None in a plain run."""
    return os.environ.get("TASKTUNE_TASK_ID")


def _convert(text: str, like: Any) -> Any:
    """A stored string back to the type of the script's default."""
    if isinstance(like, bool):
        return text.strip().lower() in ("true", "1", "yes", "on")
    if isinstance(like, int | float):
        return type(like)(text)
    if isinstance(like, list | dict):
        return json.loads(text)
    return text


def connect(values: dict[str, Any], name: str = "General") -> dict[str, Any]:
    """The task's values for this section over the script's defaults (the dict is updated in place too)."""
    section = _task_file().get("hyperparameters", {}).get(name, {})
    for key, text in section.items():
        values[key] = _convert(text, values[key]) if key in values else text
    if _plain_run is not None:  # run by hand: the task records what the script used
        _plain_run.record_section(name, values)
    return values


def connect_configuration(name: str, default: str | Path | None = None) -> Path | None:
    """The path of the configuration object `name` as the worker wrote it; `default` outside a worker."""
    folder = os.environ.get("TASKTUNE_CONFIG_DIR")
    if folder:
        index = json.loads((Path(folder) / "index.json").read_text(encoding="utf-8"))
        if name in index:
            return Path(index[name])
    return Path(default) if default is not None else None


_plain_run: Any = None  # the PlainRun that `init` made outside a worker


def init(project: str, name: str) -> str | None:
    """The task this script runs as. Under a worker, the worker's; run by hand, a new task in the local
    database (repository, commit, diff, packages, arguments), Running now and Completed or Failed at exit."""
    global _plain_run
    if task_id() is not None:
        return task_id()
    if _plain_run is None:
        # Run by hand: TaskTune itself is installed, and the run is execution's (the one import of ours).
        from tasktune_gui.execution.run.plain_run import PlainRun

        _plain_run = PlainRun(project, name)
    return str(_plain_run.task_id)


def _emit(event: dict[str, Any]) -> None:
    if _plain_run is not None:
        _plain_run.handle(event)
        return
    path = os.environ.get("TASKTUNE_EVENTS")
    if not path:
        return  # neither a worker nor `init`: the values are simply not recorded
    line = json.dumps(event) + "\n"
    # One write of one line with O_APPEND: the worker never reads half an event from two threads.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def report_scalar(title: str, series: str, value: float, iteration: int) -> None:
    _emit({"kind": "scalar", "title": title, "series": series, "value": float(value), "iteration": int(iteration),
           "time": time.time()})


def report_text(text: str) -> None:
    _emit({"kind": "text", "text": str(text)})


def _output_dir(kind: str) -> Path:
    folder = Path(os.environ.get("TASKTUNE_OUTPUT_DIR") or Path.cwd() / "tasktune-outputs") / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(source: Any, folder: Path, name: str) -> tuple[Path, str]:
    """Copy a file (or write an object as JSON, or its text) into `folder`; the copy and its type."""
    if isinstance(source, str | Path) and Path(source).is_file():
        target = folder / Path(source).name
        shutil.copyfile(source, target)
        return target, Path(source).suffix.lstrip(".") or "file"
    try:
        text, kind = json.dumps(source, indent=2), "json"
    except TypeError:
        text, kind = str(source), "txt"
    target = folder / f"{name}.{kind}"
    target.write_text(text, encoding="utf-8")
    return target, kind


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def upload_artifact(name: str, artifact: Any) -> Path:
    """Keep a file (or a JSON-able object) as an output artifact of the task; returns where it was kept."""
    target, kind = _store(artifact, _output_dir("artifacts"), name)
    _emit({"kind": "artifact", "name": name, "path": str(target), "size": target.stat().st_size,
           "hash": _digest(target), "type": kind})
    return target


def register_output_model(path: str | Path, name: str | None = None, labels: dict[str, int] | None = None,
                          framework: str = "") -> Path:
    """Keep a weights file as an output model of the task, with its label enumeration."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"no model file at {path}")
    target, _kind = _store(Path(path), _output_dir("models"), name or Path(path).stem)
    _emit({"kind": "model", "name": name or Path(path).stem, "path": str(target), "labels": labels or {},
           "framework": framework, "hash": _digest(target)})
    return target


def input_model() -> Path | None:
    """A local path to the task's input model, or None when it has none. A model kept in a bucket (s3://, gs://,
    azure://) was downloaded by the worker into its model cache before the script started."""
    uri = str(_task_file().get("input_model_uri") or "")
    if uri.startswith("file://"):
        uri = uri[len("file://"):]
    return Path(uri) if uri.startswith("/") else None
