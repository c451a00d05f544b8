"""The soak (JSON): the window switched between tasks and tabs by Qt timers while a worker streams a console; switches
per second, resident memory, live QObjects and threads at start and end, and the start's binding check's cost.

Goals: the binding check < 5 ms at start (median of fresh processes, PySide6 already imported as the window's start
has it); memory growth < 150 MB and no lost references to None over the run (tests/ui/test_soak.py's verdict).
The soak is tests/support/soak.py's: a demo database, a `tasktune worker` process running a task that prints
`--lines` lines over about 30 s, and the window in a child process (offscreen unless QT_QPA_PLATFORM says).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import emit, summary  # noqa: E402

from tests.support.soak import run_soak, verdict  # noqa: E402

GUARD_GOAL_MS = 5
# As `tasktune` meets it: PySide6's widgets imported, nothing built yet; the first call makes its probe QObject.
GUARD_PROBE = """import time
from PySide6.QtWidgets import QApplication
from tasktune_gui.ui.window.binding_check import check_binding
started = time.perf_counter()
check_binding()
print((time.perf_counter() - started) * 1000)
"""


def guard_cost(starts: int) -> list[float]:
    """Milliseconds of `check_binding()` in `starts` fresh processes."""
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root}
    return [float(subprocess.run([sys.executable, "-c", GUARD_PROBE], env=env, capture_output=True, text=True,
                                 check=True).stdout.strip()) for _ in range(starts)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=1500)
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--starts", type=int, default=7, help="fresh processes timing the binding check")
    options = parser.parse_args()
    guard = guard_cost(options.starts)
    run = run_soak(Path(tempfile.mkdtemp(prefix="tasktune-bench-soak-")), switches=options.switches,
                   lines=options.lines)
    problems = verdict(run, options.switches)
    result: dict[str, object] = {
        "benchmark": "soak",
        "python": sys.version.split()[0],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "binding_check_at_start": summary(guard, GUARD_GOAL_MS),
    }
    if run.returncode != 0:
        result.update({"ok": False, "error": problems[0]})
        emit(result)
        return
    samples = run.result["samples"]
    first, last = samples[0], samples[-1]
    result.update({
        "switches": run.result["switches"],
        "seconds": run.result["seconds"],
        "switches_per_second": run.result["switches_per_second"],
        "console_lines_streamed": run.lines_stored,
        "rss_mb": {"start": first["rss_mb"], "end": last["rss_mb"],
                   "growth": round(last["rss_mb"] - first["rss_mb"], 1), "goal_growth_mb": 150},
        "live_qobjects": {"start": first["qobjects"], "middle": samples[len(samples) // 2]["qobjects"],
                          "end": last["qobjects"]},
        "widgets": {"start": first["widgets"], "end": last["widgets"]},
        "threads": {"start": first["threads"], "end": last["threads"], "python_start": first["python_threads"],
                    "python_end": last["python_threads"], "after_close": run.result["closed"]["threads"]},
        "database_connections_fds": {"start": first["db_fds"], "end": last["db_fds"],
                                     "after_close": run.result["closed"]["db_fds"]},
        "open_fds": {"start": first["fds"], "end": last["fds"], "after_close": run.result["closed"]["fds"]},
        "none_references": {"start": first["none_refs"], "lowest": min(s["none_refs"] for s in samples),
                            "end": last["none_refs"]},
        # Positive: references lost per switch, what a broken binding does; negative: held (harmless).
        "none_references_lost_per_switch": round((first["none_refs"] - last["none_refs"]) / max(1, last["switch"]), 2),
        "problems": problems,
    })
    result["ok"] = not problems and result["binding_check_at_start"]["ok"]  # type: ignore[index]
    emit(result)


if __name__ == "__main__":
    main()
