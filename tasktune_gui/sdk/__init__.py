"""What a task's own script imports to talk to TaskTune (standard library only: it runs in the task's environment)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["connect", "connect_configuration", "report_scalar", "report_text", "task_id"]


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
    return values


def connect_configuration(name: str, default: str | Path | None = None) -> Path | None:
    """The path of the configuration object `name` as the worker wrote it; `default` outside a worker."""
    folder = os.environ.get("TASKTUNE_CONFIG_DIR")
    if folder:
        index = json.loads((Path(folder) / "index.json").read_text(encoding="utf-8"))
        if name in index:
            return Path(index[name])
    return Path(default) if default is not None else None


def _emit(event: dict[str, Any]) -> None:
    path = os.environ.get("TASKTUNE_EVENTS")
    if not path:
        return  # a plain run outside a worker: nothing listens yet
    line = json.dumps(event) + "\n"
    # One write of one line with O_APPEND: the worker never reads half an event from two threads.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def report_scalar(title: str, series: str, value: float, iteration: int) -> None:
    _emit({"kind": "scalar", "title": title, "series": series, "value": float(value), "iteration": int(iteration)})


def report_text(text: str) -> None:
    _emit({"kind": "text", "text": str(text)})
