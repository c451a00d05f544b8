"""The sweep's own cost per trial (JSON on stdout): from a trial's end to the next trial enqueued, one at a time.

The bench plays the trials' worker itself (start, one scalar, complete: no process), so what is left between
one trial's end and the next one's enqueue is the sweep's own work: noticing the end, reading the objective,
Optuna's tell and ask over the journal in the database, and the clone-and-enqueue transaction. Goal < 100 ms."""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.core.sweeps.definition import SweepDefinition, parse_objective, parse_param
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for method in ("random", "tpe"):
            url = args.db or f"sqlite:///{Path(folder) / f'{method}.db'}"
            results.append(measure(url, args.trials, method))
    print(json.dumps({"bench": "sweeps", "goal_ms": 100, "results": results}, indent=2))


if __name__ == "__main__":
    main()
