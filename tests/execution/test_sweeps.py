"""Sweeps run by real workers: trials at once never exceeded, the best is the minimum, a grid's exact size, a
sweep whose worker is killed and restarted goes on without a duplicate trial, stop leaves nothing running."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.sweeps.definition import SweepDefinition, parse_objective, parse_param
from tasktune_gui.core.sweeps.resume import fail_and_requeue, run_began
from tasktune_gui.execution.sweep.run import SweepRun
from tasktune_gui.execution.worker.wakeup import Wakeup
from tasktune_gui.execution.worker.worker import WorkerConfig
from tests.support.git import make_repo
from tests.support.runs import add_task, running_worker, status, tasktune_worker
from tests.support.waiting import wait_for

# The objective is known from the values: (x - 0.3)^2 + y/10, plus 1 for opt b; opt c fails; `hold` waits to be
# aborted.
TRIAL_SCRIPT = """\
import argparse, time
from tasktune_gui import sdk
parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, default=0.0)
parser.add_argument("--y", type=int, default=0)
parser.add_argument("--opt", default="a")
parser.add_argument("--hold", type=int, default=0)
args = parser.parse_args()
if args.opt == "c":
    raise SystemExit("no such optimizer")
while args.hold:
    time.sleep(0.2)
sdk.report_scalar("loss", "train", 99.0, 0)
sdk.report_scalar("loss", "train", (args.x - 0.3) ** 2 + args.y / 10 + (args.opt == "b"), 1)
"""


# Trials report three points of loss/train; the fourth trial on (counted in a file) reports worse ones and then
# dawdles: only pruning ends it.
PRUNED_SCRIPT = """\
import os, time
from tasktune_gui import sdk
counter = os.environ["SWEEP_COUNTER"]
done = int(open(counter).read()) if os.path.exists(counter) else 0
with open(counter, "w") as handle:
    handle.write(str(done + 1))
behind = done >= 3
for step in range(3):
    sdk.report_scalar("loss", "train", 10.0 + step if behind else 0.1 - 0.01 * step, step)
while behind:
    time.sleep(0.2)
"""


def expected(values: dict[str, str]) -> float:
    return (float(values.get("Args/x", "0")) - 0.3) ** 2 + int(values.get("Args/y", "0")) / 10 \
        + (values.get("Args/opt", "a") == "b")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "source", {"trial.py": TRIAL_SCRIPT, "pruned.py": PRUNED_SCRIPT})


@pytest.fixture
def base(sqlite_core: Core, repo: Path) -> str:
    args = {name: {"value": value, "type": kind} for name, value, kind in
            (("x", "0", "float"), ("y", "0", "int"), ("opt", "a", "str"), ("hold", "0", "int"))}
    return add_task(sqlite_core, repo, queue=None, entry_point="trial.py", hyperparameters={"Args": args})


def sweep(core: Core, base: str, *specs: str, queue: str = "default", **options: Any) -> str:
    definition = SweepDefinition(base=base, params=tuple(parse_param(s) for s in specs),
                                 objective=parse_objective("loss/train:min"), **options)
    return core.sweeps.create(definition, queue=queue)


def ended(core: Core, task_id: str, timeout: float = 240) -> str:
    return str(wait_for(core, lambda: status(core, task_id) in ("completed", "failed", "aborted")
                        and status(core, task_id), timeout=timeout, what=f"task {task_id} to end"))


def trial_tasks(core: Core, sweep_id: str) -> list[Task]:
    with core.store.read() as session:
        return list(session.exec(select(Task).where(col(Task.parent_id) == sweep_id)).all())


def most_at_once(tasks: list[Task]) -> int:
    """The most trials running at one moment, from their start and end times."""
    moments = sorted([(t.started, 1) for t in tasks if t.started] + [(t.completed, -1) for t in tasks
                                                                      if t.started and t.completed],
                     key=lambda m: (m[0].replace(tzinfo=UTC) if m[0].tzinfo is None else m[0], m[1]))
    running = peak = 0
    for _, step in moments:
        running += step
        peak = max(peak, running)
    return peak


def test_a_grid_makes_its_trials_two_at_once_and_the_best_is_the_minimum(sqlite_core: Core, base: str,
                                                                           tmp_path: Path) -> None:
    config = WorkerConfig(queues=["default"], slots=4, cache_dir=tmp_path / "cache", abort_grace=5.0)
    with running_worker(sqlite_core, config):
        sweep_id = sweep(sqlite_core, base, "Args/x=choice:0.1,0.3,0.9", "Args/y=int:0:3", method="grid",
                         parallel=2)
        assert ended(sqlite_core, sweep_id) == "completed", sqlite_core.tasks.get(sweep_id).status_message
    summary = sqlite_core.task_json(sweep_id)["sweep"]
    trials = summary["trials"]
    assert len(trials) == 12
    assert len({json.dumps(t["values"], sort_keys=True) for t in trials}) == 12  # every grid point once
    assert all(t["state"] == "complete" and t["status"] == "completed" for t in trials)
    for trial in trials:
        assert trial["objective"] == pytest.approx(expected(trial["values"]))
    best = min(trials, key=lambda t: t["objective"])
    assert summary["best"] == best["id"]
    assert best["values"] == {"Args/x": "0.3", "Args/y": "0"}
    tasks = trial_tasks(sqlite_core, sweep_id)
    assert len(tasks) == 12 and most_at_once(tasks) <= 2
    assert {t.status for t in tasks} == {"completed"}


def test_twenty_random_trials_two_at_once_failed_ones_told_and_the_best_is_the_minimum(
        sqlite_core: Core, base: str, tmp_path: Path) -> None:
    config = WorkerConfig(queues=["default"], slots=3, cache_dir=tmp_path / "cache", abort_grace=5.0)
    with running_worker(sqlite_core, config):
        sweep_id = sweep(sqlite_core, base, "Args/x=uniform:0:1", "Args/opt=choice:a,b,c", "Args/y=int:0:2",
                         method="random", trials=20, parallel=2)
        assert ended(sqlite_core, sweep_id) == "completed"
    summary = sqlite_core.task_json(sweep_id)["sweep"]
    trials = summary["trials"]
    assert len(trials) == 20 and len({t["id"] for t in trials}) == 20
    for trial in trials:  # opt c fails: told as failed, and the sweep went on
        failed = trial["values"]["Args/opt"] == "c"
        assert (trial["state"], trial["status"]) == (("failed", "failed") if failed else ("complete", "completed"))
        assert trial["objective"] == (None if failed else pytest.approx(expected(trial["values"])))
    scored = [t for t in trials if t["objective"] is not None]
    assert summary["best"] == min(scored, key=lambda t: t["objective"])["id"]
    assert summary["best_objective"] == min(t["objective"] for t in scored)
    assert most_at_once(trial_tasks(sqlite_core, sweep_id)) <= 2


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_sweeps_worker_killed_and_restarted_goes_on_with_no_duplicate_and_its_wall_time(
        sqlite_core: Core, sqlite_url: str, base: str, tmp_path: Path,
        processes: list[subprocess.Popen[bytes]]) -> None:
    sqlite_core.queues.create("sweeps")
    argv = tasktune_worker(sqlite_url, tmp_path / "sweep-cache", "--queue", "sweeps", "--id", "sweeper")
    processes.append(subprocess.Popen(argv, stderr=subprocess.DEVNULL))
    config = WorkerConfig(queues=["default"], slots=2, cache_dir=tmp_path / "cache", abort_grace=5.0)
    with running_worker(sqlite_core, config):
        sweep_id = sweep(sqlite_core, base, "Args/x=uniform:0:1", queue="sweeps", method="tpe", trials=6,
                         parallel=2, wall_time=3600.0)
        wait_for(sqlite_core, lambda: len(sqlite_core.sweeps.trials(sweep_id)) >= 3, timeout=120,
                 what="a third trial launched")
        first_start = sqlite_core.tasks.get(sweep_id).started
        processes[0].send_signal(signal.SIGKILL)
        processes[0].wait(60)
        assert len(sqlite_core.sweeps.trials(sweep_id)) < 6  # killed mid-sweep
        assert status(sqlite_core, sweep_id) == "running"  # nobody has noticed yet
        # The same id: its leftovers are failed "worker lost", and the sweep among them goes back on its queue
        # by itself; the restarted worker takes it and the sweep goes on where it was. Nobody retries it.
        processes.append(subprocess.Popen(argv, stderr=subprocess.DEVNULL))
        assert ended(sqlite_core, sweep_id) == "completed", sqlite_core.tasks.get(sweep_id).status_message
    trials = sqlite_core.sweeps.trials(sweep_id)
    assert len(trials) == 6
    assert len({t.number for t in trials}) == 6 and len({t.task_id for t in trials}) == 6
    assert len(trial_tasks(sqlite_core, sweep_id)) == 6
    assert {t.state for t in trials} == {"complete"}
    assert most_at_once(trial_tasks(sqlite_core, sweep_id)) <= 2
    events = [(e["action"], e["status"]) for e in sqlite_core.task_json(sweep_id, with_history=True)["history"]]
    assert ("requeued", "pending") in events and events.count(("started", "running")) == 2
    # The wall time counts from the first start, not from the start after the loss.
    began, restarted = run_began(sqlite_core.store, sweep_id), sqlite_core.tasks.get(sweep_id).started
    assert began is not None and first_start is not None and restarted is not None
    first, again = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (first_start, restarted))
    assert first <= began < again
    assert "of its wall time used" in "\n".join(line.text for line in sqlite_core.results.console(sweep_id))


def test_stop_aborts_running_trials_and_dequeues_pending_ones(sqlite_core: Core, base: str, tmp_path: Path) -> None:
    sqlite_core.editor.set_hyperparameter(base, "Args", "hold", "1")
    config = WorkerConfig(queues=["default"], slots=2, cache_dir=tmp_path / "cache", abort_grace=5.0)
    with running_worker(sqlite_core, config):
        sweep_id = sweep(sqlite_core, base, "Args/x=uniform:0:1", method="random", trials=5, parallel=2)
        # Two slots: the sweep in one, one trial running in the other, the second trial pending.
        wait_for(sqlite_core, lambda: sorted(t.task_status or "" for t in sqlite_core.sweeps.trials(sweep_id))
                 == ["pending", "running"], timeout=120, what="one trial running and one pending")
        sqlite_core.sweeps.stop(sweep_id)
        assert ended(sqlite_core, sweep_id) == "aborted"
        wait_for(sqlite_core, lambda: all(t.task_status not in ("pending", "running")
                                          for t in sqlite_core.sweeps.trials(sweep_id)),
                 timeout=60, what="no trial left pending or running")
    statuses = sorted(t.task_status or "" for t in sqlite_core.sweeps.trials(sweep_id))
    assert statuses == ["aborted", "draft"]
    assert len(sqlite_core.sweeps.trials(sweep_id)) == 2  # nothing launched after the stop
    assert sqlite_core.task_json(sweep_id)["sweep"]["state"] == "stopped"


def test_median_pruning_aborts_a_trial_that_reports_worse_values(sqlite_core: Core, repo: Path,
                                                                 tmp_path: Path) -> None:
    hyperparameters = {"Args": {"x": {"value": "0", "type": "float"}},
                       "Environment": {"SWEEP_COUNTER": {"value": str(tmp_path / "counter")}}}
    base = add_task(sqlite_core, repo, queue=None, entry_point="pruned.py", hyperparameters=hyperparameters)
    config = WorkerConfig(queues=["default"], slots=2, cache_dir=tmp_path / "cache", abort_grace=5.0)
    with running_worker(sqlite_core, config):
        sweep_id = sweep(sqlite_core, base, "Args/x=uniform:0:1", method="random", trials=5, parallel=1,
                         prune="median")
        assert ended(sqlite_core, sweep_id) == "completed"
    trials = sqlite_core.task_json(sweep_id)["sweep"]["trials"]
    assert [t["state"] for t in trials] == ["complete"] * 3 + ["pruned"] * 2
    assert [t["status"] for t in trials] == ["completed"] * 3 + ["aborted"] * 2
    pruned = sqlite_core.tasks.get(trials[3]["id"])
    assert pruned.status_reason == "pruned"
    assert trials[3]["objective"] >= 10.0  # its last reported value


@pytest.mark.parametrize(("limit", "reason", "launched"), [
    ({"trial_time": 1.0}, "trial time of 1 s exceeded", 3),  # each trial aborted in turn; the sweep goes on
    ({"wall_time": 1.0}, "sweep wall time", 2),  # nothing launched after it; the running ones aborted
])
def test_time_limits_abort_trials_that_run_too_long(sqlite_core: Core, base: str, tmp_path: Path,
                                                    limit: dict[str, float], reason: str, launched: int) -> None:
    sqlite_core.editor.set_hyperparameter(base, "Args", "hold", "1")  # trials that never end by themselves
    config = WorkerConfig(queues=["default"], slots=3, cache_dir=tmp_path / "cache", abort_grace=5.0)
    with running_worker(sqlite_core, config):
        sweep_id = sweep(sqlite_core, base, "Args/x=uniform:0:1", method="random", trials=3, parallel=2, **limit)
        assert ended(sqlite_core, sweep_id) == "completed"
    trials = sqlite_core.sweeps.trials(sweep_id)
    # At most: a loaded machine may reach the wall time before the sweep launched its first two.
    assert len(trials) <= launched if "wall_time" in limit else len(trials) == launched
    assert all((t.state, t.task_status) == ("failed", "aborted") for t in trials)
    assert all(sqlite_core.tasks.get(t.task_id).status_reason == reason for t in trials)


def test_a_run_declared_lost_and_taken_over_leaves_the_sweep_and_its_trials_to_the_new_run(
        sqlite_core: Core, base: str) -> None:
    # A worker that stopped heartbeating but lives on: its sweep was failed, requeued and taken by another worker.
    sqlite_core.queues.create("sweeps")
    sweep_id = sweep(sqlite_core, base, "Args/x=uniform:0:1", queue="sweeps", method="random", trials=4,
                     parallel=2)
    assert sqlite_core.queues.pop(["sweeps"], "silent", "box") == sweep_id
    old = SweepRun(sqlite_core, sweep_id, Wakeup(sqlite_core))
    thread = threading.Thread(target=old.run, name="old-sweep-run")
    thread.start()
    try:
        wait_for(sqlite_core, lambda: len(sqlite_core.sweeps.trials(sweep_id)) == 2, timeout=60,
                 what="two trials launched")  # nobody runs them: they wait in the default queue
        assert fail_and_requeue(sqlite_core.store, sweep_id, "worker lost", "worker silent stopped sending heartbeats")
        assert sqlite_core.queues.pop(["sweeps"], "other", "box") == sweep_id
        thread.join(60)
        assert not thread.is_alive(), "the old run went on beside the new one"
    finally:
        old.request_stop("test over")
        thread.join(60)
    task = sqlite_core.tasks.get(sweep_id)
    assert (task.status, task.worker) == ("running", "other")  # the old run neither ended nor failed it
    assert sorted(t.task_status or "" for t in sqlite_core.sweeps.trials(sweep_id)) == ["pending", "pending"]
