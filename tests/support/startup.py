"""The real `tasktune` window process with its start-up trace: the environment to run it in, and what it wrote."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def traced_environment(folder: Path, display: str) -> dict[str, str]:
    """An environment with its own config and data folders under `folder` (no embedded worker, which would
    register in the database) that writes the trace to `folder/trace.jsonl` and closes once the dashboard is
    drawn or the open failed."""
    config = folder / "config" / "tasktune"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"embedded_worker": False}))
    env = {**os.environ, "DISPLAY": display, "XDG_CONFIG_HOME": str(folder / "config"),
           "XDG_DATA_HOME": str(folder / "data"), "TASKTUNE_STARTUP_TRACE": str(folder / "trace.jsonl"),
           "TASKTUNE_STARTUP_TRACE_EXIT": "1"}
    env.pop("QT_QPA_PLATFORM", None)
    return env


def trace_events(folder: Path) -> dict[str, dict[str, Any]]:
    """The trace's lines by event (shown, responsive, ready, dashboard, failed)."""
    lines = (folder / "trace.jsonl").read_text().splitlines()
    return {line["event"]: line for line in map(json.loads, lines)}
