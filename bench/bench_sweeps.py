"""The sweep's own cost per trial (JSON on stdout): from a trial's end to the next trial enqueued, one at a time.

The bench plays the trials' worker itself (start, one scalar, complete: no process), so what is left between
one trial's end and the next one's enqueue is the sweep's own work: noticing the end, reading the objective,
Optuna's tell and ask over the journal in the database, and the clone-and-enqueue transaction. Goal < 100 ms.
Then the SWEEP tab showing 1,000 trials of 20 points each (every chart and the table set, then painted offscreen
with each chart in front in turn: objective, parallel coordinates, learning curves, importance). Goal < 200 ms.
And Optuna's importance of 1,000 trials, which the tab works out off the GUI thread."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.core.sweeps.definition import SweepDefinition, parse_objective, parse_param
from tasktune_gui.execution.sweep.importance import param_importances
from tasktune_gui.execution.sweep.run import SweepRun
from tasktune_gui.execution.worker.wakeup import Wakeup


def play_trials(core: Core, sweep_id: str, trials: int, gaps: list[float]) -> None:
    """Run each trial as soon as it is enqueued; note the time from the previous end to the new enqueue."""
    wakeup = Wakeup(core)
    ended_at: float | None = None
    try:
        for _ in range(trials):
            while True:
                pending = core.queues.entries("default", limit=1)
                if pending:
                    break
                wakeup.wait(0.5)
            if ended_at is not None:
                gaps.append((time.perf_counter() - ended_at) * 1000)
            trial = pending[0].task_id
            core.queues.pop(["default"], "bench", "bench")
            lr = float(core.task_json(trial)["hyperparams"]["Args"]["lr"]["value"])
            core.results.report_scalars(trial, [ScalarPoint("loss", "train", 0, (lr - 0.01) ** 2)])
            core.lifecycle.complete(trial)
            ended_at = time.perf_counter()
    finally:
        wakeup.close()


def measure(url: str, trials: int, method: str) -> dict[str, object]:
    core = Core.open(url)
    try:
        args = {"lr": {"value": "0.1", "type": "float"}}
        base = core.tasks.add(Task(id="", name="base", repository="/r", entry_point="t.py"), "bench",
                              hyperparameters={"Args": args})
        definition = SweepDefinition(base=base, params=(parse_param("Args/lr=log:1e-4:1"),),
                                     objective=parse_objective("loss/train:min"), method=method, trials=trials)
        sweep_id = core.sweeps.create(definition)
        core.lifecycle.enqueue(sweep_id, "default")
        core.queues.pop(["default"], "bench", "bench")
        gaps: list[float] = []
        player = threading.Thread(target=play_trials, args=(core, sweep_id, trials, gaps))
        player.start()
        started = time.perf_counter()
        SweepRun(core, sweep_id, Wakeup(core)).run()
        took = time.perf_counter() - started
        player.join()
        status = core.tasks.get(sweep_id).status
    finally:
        core.close()
    gaps.sort()
    return {"method": method, "trials": trials, "sweep_status": status,
            "gap_ms_p50": round(statistics.median(gaps), 1), "gap_ms_p90": round(gaps[int(len(gaps) * 0.9)], 1),
            "gap_ms_max": round(gaps[-1], 1), "sweep_wall_s": round(took, 2)}


def fake_sweep(trials: int, points: int = 20) -> dict[str, object]:
    """What the SWEEP tab reads (`show --json`'s sweep object and each trial's curve of `points` points) for
    `trials` ended trials of three parameters (no database needed)."""
    rng = random.Random(1)
    params = [{"name": f"Args/p{i}", "kind": "uniform", "low": 0.0, "high": 1.0, "step": 1, "values": []}
              for i in range(3)]
    rows = [{"id": f"{n:016x}", "number": n, "values": {p["name"]: repr(rng.random()) for p in params},
             "objective": rng.random(), "state": "pruned" if n % 7 == 0 else "complete", "status": "completed"}
            for n in range(trials)]
    best = min(rows, key=lambda r: float(str(r["objective"])))
    curves = {str(r["id"]): [(i, float(str(r["objective"])) * (1 + 1 / (i + 1))) for i in range(points)]
              for r in rows}
    definition = {"base": "0" * 16, "params": params, "objective": {"metric": "loss", "series": "train", "goal": "min",
                                                  "value": "last"}, "method": "tpe"}
    return {"definition": definition, "state": "active", "budget": trials, "grid_size": None, "trials": rows,
            "best": best["id"], "best_objective": best["objective"], "curves": curves}


def measure_tab(trials: int, repeat: int) -> dict[str, object]:
    """Milliseconds for the SWEEP tab to show `trials` trials and paint (offscreen) with each chart in front,
    `repeat` times; and the milliseconds of the importance of those trials."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from tasktune_gui.ui.task.sweep_tab import SweepTab

    app = QApplication.instance() or QApplication([])
    core = Core.open(f"sqlite:///{tempfile.mkdtemp()}/tab.db")
    tab = SweepTab(core)
    tab.resize(1400, 800)
    tab.show()
    sweep = fake_sweep(trials)
    times: list[float] = []
    cpu_times: list[float] = []  # the GUI thread's own CPU time: what a busy machine inflates least
    by_chart: dict[str, list[float]] = {tab.charts.tabText(chart): [] for chart in range(tab.charts.count())}
    for _ in range(repeat):
        for chart in range(tab.charts.count()):
            tab.charts.setCurrentIndex(chart)
            app.processEvents()
            started, cpu = time.perf_counter(), time.thread_time()
            tab.show_sweep("0" * 16, sweep, "running")
            tab.grab()  # drawn, as on screen
            app.processEvents()
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.thread_time() - cpu) * 1000)
            by_chart[tab.charts.tabText(chart)].append(times[-1])
    started = time.perf_counter()
    importance = param_importances(sweep)
    importance_ms = (time.perf_counter() - started) * 1000
    tab.background.close()
    tab.close()
    core.close()
    return {"tab_trials": trials, "tab_points_per_trial": 20, "tab_ms_p50": round(statistics.median(times), 1),
            "tab_ms_max": round(max(times), 1), "goal_ms": 200,
            "tab_gui_thread_cpu_ms_p50": round(statistics.median(cpu_times), 1),
            "load_average_1min": round(os.getloadavg()[0], 1),
            "tab_ms_p50_by_chart": {name: round(statistics.median(ms), 1) for name, ms in by_chart.items()},
            "importance_ms": round(importance_ms, 1), "importance_trials": importance.trials}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--tab-trials", type=int, default=1000)
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    parser.add_argument("--tab-only", action="store_true", help="only the SWEEP tab's drawing and importance")
    args = parser.parse_args()
    if args.tab_only:
        print(json.dumps({"bench": "sweeps", "sweep_tab": measure_tab(args.tab_trials, 5)}, indent=2))
        return
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for method in ("random", "tpe"):
            url = args.db or f"sqlite:///{Path(folder) / f'{method}.db'}"
            results.append(measure(url, args.trials, method))
    print(json.dumps({"bench": "sweeps", "goal_ms": 100, "results": results,
                      "sweep_tab": measure_tab(args.tab_trials, 5)}, indent=2))


if __name__ == "__main__":
    main()
