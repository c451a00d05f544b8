"""Shared by the benchmarks: timing, percentiles, a temporary Core, and JSON output."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasktune_gui.core.api import Core  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def temp_core() -> Core:
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-"))
    return Core.open(f"sqlite:///{folder / 'tasktune.db'}")


def time_ms(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float], goal_ms: float) -> dict[str, Any]:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    median = statistics.median(ordered)
    return {"median_ms": round(median, 3), "p90_ms": round(p90, 3), "min_ms": round(ordered[0], 3),
            "runs": len(ordered), "goal_ms": goal_ms, "ok": median < goal_ms}


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, indent=2))
