"""A researcher's sweep in a lab, run by a worker login: the database makes its trials (a worker creates no task
itself), and the sweep ends, prunes and dequeues only its own trials."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import NotPermitted
from tasktune_gui.execution.worker.worker import WorkerConfig
from tests.execution.test_sweeps import TRIAL_SCRIPT, ended, expected, sweep, trial_tasks
from tests.lab.test_permissions import draft, raw
from tests.support.git import make_repo
from tests.support.lab import Lab
from tests.support.runs import add_task, running_worker


def test_alices_sweep_runs_under_a_worker_login_and_the_worker_still_creates_no_task(
        lab_db: Lab, cores: dict[str, Core], tmp_path: Path) -> None:
    alice, gpu = cores["alice"], cores["gpu"]
    repo = make_repo(tmp_path / "source", {"trial.py": TRIAL_SCRIPT})
    args = {name: {"value": value, "type": kind} for name, value, kind in
            (("x", "0", "float"), ("y", "0", "int"), ("opt", "a", "str"), ("hold", "0", "int"))}
    base = add_task(alice, repo, queue=None, entry_point="trial.py", hyperparameters={"Args": args})
    config = WorkerConfig(queues=["default"], slots=3, cache_dir=tmp_path / "cache", abort_grace=5.0)
    with running_worker(gpu, config):
        sweep_id = sweep(alice, base, "Args/x=choice:0.1,0.3,0.9", method="grid", parallel=2)
        assert ended(alice, sweep_id) == "completed", alice.task_json(sweep_id)["status_message"]
    summary = alice.task_json(sweep_id)["sweep"]
    assert len(summary["trials"]) == 3
    for trial in summary["trials"]:
        assert (trial["state"], trial["status"]) == ("complete", "completed")
        assert trial["objective"] == pytest.approx(expected(trial["values"]))
    assert summary["best_objective"] == pytest.approx(0.0)
    tasks = trial_tasks(alice, sweep_id)
    assert {(t.user, t.parent_id, t.entry_point) for t in tasks} == {("alice", sweep_id, "trial.py")}
    assert {t.claimed_by for t in tasks} == {"gpu"}

    with pytest.raises(NotPermitted, match="worker login: it cannot create"):
        add_task(gpu, repo)
    other = draft(alice, "not a sweep")
    with raw(lab_db, "gpu") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO task (id, name, project_id, \"user\", status) "
                         "SELECT 'feedfeedfeedfeed', 'mine', project_id, 'alice', 'draft' FROM task WHERE id = %s",
                         (base,))
        for sweep_task in (sweep_id, other):  # ended, or never its run: the database makes no trial of it
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="launches trials only of a sweep it runs"):
                conn.execute("SELECT tasktune_launch_trial(%s, 'feedfeedfeedfeed', 'x', 'p', '{}', 'default', 't')",
                             (sweep_task,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO sweep_journal (sweep_id, body) VALUES (%s, '{}')", (sweep_id,))
    assert len(trial_tasks(alice, sweep_id)) == 3


def test_the_sweeps_worker_dequeues_its_pending_trials_and_no_others(lab_db: Lab, cores: dict[str, Core],
                                                                     tmp_path: Path) -> None:
    alice, carol, gpu = cores["alice"], cores["carol"], cores["gpu"]
    carol.queues.create("parked")  # no worker watches it: the trials wait there until the wall time
    repo = make_repo(tmp_path / "source", {"trial.py": TRIAL_SCRIPT})
    base = add_task(alice, repo, queue=None, entry_point="trial.py",
                    hyperparameters={"Args": {"x": {"value": "0", "type": "float"}}})
    someone_elses = add_task(alice, repo, queue="parked", name="not a trial")
    config = WorkerConfig(queues=["default"], slots=1, cache_dir=tmp_path / "cache", abort_grace=5.0)
    with running_worker(gpu, config):
        sweep_id = sweep(alice, base, "Args/x=choice:0.1,0.3", method="grid", parallel=2, trials_queue="parked",
                         wall_time=1.0)
        assert ended(alice, sweep_id) == "completed", alice.task_json(sweep_id)["status_message"]
    trials = trial_tasks(alice, sweep_id)
    assert len(trials) == 2
    assert {(t.status, t.status_reason) for t in trials} == {("draft", "sweep wall time")}
    assert [entry.task_id for entry in alice.queues.entries("parked")] == [someone_elses]
    with raw(lab_db, "gpu") as conn:  # a task that is no trial of a sweep it runs stays where it is
        assert conn.execute("DELETE FROM queue_entry WHERE task_id = %s", (someone_elses,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE task SET status = 'draft' WHERE id = %s", (someone_elses,))
