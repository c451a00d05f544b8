"""Compare's SCALARS tab (JSON on stdout): 10 tasks × 5 metrics × 1,000 points read in one query and drawn.

Read: `ResultStore.scalars_of` of the tasks from a SQLite file, grouped into arrays (what runs off the GUI thread).
Drawn: a chart per metric with a line per task, painted offscreen (what the GUI thread does). Then a smoothing
change redrawn. Median and max of R repeats, milliseconds. Goal: read + drawn < 500 ms."""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasktune_gui.core.api import Core  # noqa: E402
from tasktune_gui.core.models import Task  # noqa: E402
from tasktune_gui.core.results import ScalarPoint  # noqa: E402

GOAL_MS = 500


def fill(core: Core, tasks: int, metrics: int, points: int) -> list[str]:
    ids = []
    start = datetime(2026, 12, 1, tzinfo=UTC)
    for number in range(tasks):
        task_id = core.tasks.add(Task(id="", name=f"run {number}", repository="/r", entry_point="t.py"), "Bench")
        core.results.report_scalars(task_id, [
            ScalarPoint(f"metric {m}", "train", i, math.exp(-i / (200 + 30 * number)) + m, start + timedelta(seconds=i))
            for m in range(metrics) for i in range(points)])
        ids.append(task_id)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--metrics", type=int, default=5)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from tasktune_gui.ui.tasks.compare_scalars import CompareScalars, task_curves

    app = QApplication.instance() or QApplication([])
    core = Core.open(f"sqlite:///{tempfile.mkdtemp(prefix='tasktune-bench-')}/compare.db")
    ids = fill(core, args.tasks, args.metrics, args.points)
    labels = [f"run {n}" for n in range(args.tasks)]
    reads, draws, smooths = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = core.results.scalars_of(ids)
        curves = task_curves(labels, [found[task_id] for task_id in ids])
        read = time.perf_counter()
        view = CompareScalars()
        view.resize(1100, 700)
        view.show()
        view.show_tasks(curves)
        view.grab()  # drawn, as on screen
        app.processEvents()
        drawn = time.perf_counter()
        view.controls.smoothing.setValue(60)
        view.grab()
        app.processEvents()
        smoothed = time.perf_counter()
        reads.append((read - started) * 1000)
        draws.append((drawn - read) * 1000)
        smooths.append((smoothed - drawn) * 1000)
        view.close()
        view.deleteLater()
        app.processEvents()
    core.close()
    total = statistics.median(r + d for r, d in zip(reads, draws, strict=True))
    print(json.dumps({
        "bench": "compare", "tasks": args.tasks, "metrics": args.metrics, "points": args.points,
        "read_ms_p50": round(statistics.median(reads), 1), "read_ms_max": round(max(reads), 1),
        "draw_ms_p50": round(statistics.median(draws), 1), "draw_ms_max": round(max(draws), 1),
        "smoothing_ms_p50": round(statistics.median(smooths), 1),
        "total_ms_p50": round(total, 1), "goal_ms": GOAL_MS, "ok": total < GOAL_MS,
    }, indent=2))


if __name__ == "__main__":
    main()
