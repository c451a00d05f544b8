"""Sweep definitions (parsing, checks, grid size) and the sweep's records: create, launch with its limit, stop."""

from __future__ import annotations

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition, InvalidValue
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.core.sweeps.definition import SweepDefinition, check_definition, parse_objective, parse_param
from tasktune_gui.core.sweeps.resume import MOST_REQUEUES, fail_and_requeue, run_began
from tests.core.test_records import counted_queries

KEYS = {"Args/lr", "Args/epochs", "Args/optimizer"}


def definition(base: str, *specs: str, **options: object) -> SweepDefinition:
    return SweepDefinition(base=base, params=tuple(parse_param(s) for s in specs),
                           objective=parse_objective("loss/train:min"), **options)  # type: ignore[arg-type]


def test_each_range_is_parsed() -> None:
    lr = parse_param("Args/lr=log:1e-4:1e-1")
    assert (lr.kind, lr.low, lr.high) == ("log", 1e-4, 1e-1)
    assert parse_param("Args/epochs=int:1:9:2").grid_values() == [1, 3, 5, 7, 9]
    assert parse_param("Args/optimizer=choice:sgd,adam").grid_values() == ["sgd", "adam"]
    assert parse_param("Args/p=uniform:0:1").grid_values() is None
    objective = parse_objective("val/loss/train:max", best=True)
    assert (objective.metric, objective.series, objective.goal, objective.value) == ("val/loss", "train", "max", "best")


@pytest.mark.parametrize(("spec", "fragment"), [
    ("lr=log:1:2", "SECTION/NAME=RANGE"),
    ("Args/lr=log:0:1", "above 0"),
    ("Args/lr=uniform:2:1", "not below"),
    ("Args/lr=uniform:a:1", "'a' is not a number"),
    ("Args/lr=uniform:1", "LOW:HIGH"),
    ("Args/e=int:1:9:0", "step must be 1 or more"),
    ("Args/e=int:1:8:2", "not reached from 1 in steps of 2"),
    ("Args/e=int:1.5:3", "not an integer"),
    ("Args/o=choice:", "values separated by commas"),
    ("Args/o=choice:a,a", "twice"),
    ("Args/o=normal:0:1", "unknown range 'normal'"),
])
def test_a_bad_range_says_what_is_wrong(spec: str, fragment: str) -> None:
    with pytest.raises(InvalidValue, match=fragment):
        parse_param(spec)


@pytest.mark.parametrize(("text", "fragment"), [("loss:min", "TITLE/SERIES"), ("loss/train:lowest", "min or max")])
def test_a_bad_objective_says_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(InvalidValue, match=fragment):
        parse_objective(text)


def test_grid_size_and_budget() -> None:
    grid = definition("b", "Args/epochs=int:1:7:2", "Args/optimizer=choice:a,b,c", method="grid")
    assert grid.grid_size() == 12
    assert check_definition(grid, KEYS).trials == 12  # a grid's budget is its size
    assert check_definition(SweepDefinition(**{**grid.__dict__, "trials": 5}), KEYS).trials == 5
    assert check_definition(definition("b", "Args/lr=log:1e-3:1"), KEYS).trials == 10
    assert definition("b", "Args/lr=log:1e-3:1").grid_size() is None


@pytest.mark.parametrize(("options", "fragment"), [
    ({"method": "grid"}, "Args/lr is continuous"),
    ({"method": "bayes"}, "unknown method 'bayes'"),
    ({"trials": 0}, "--trials must be 1 or more"),
    ({"parallel": 0}, "--parallel must be 1 or more"),
    ({"trial_time": -1.0}, "--trial-time must be more than 0"),
    ({"wall_time": 0.0}, "--wall-time must be more than 0"),
    ({"prune": "hyperband"}, "unknown pruning 'hyperband'"),
])
def test_a_bad_option_says_what_is_wrong(options: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidValue, match=fragment):
        check_definition(definition("b", "Args/lr=log:1e-3:1", **options), KEYS)


def test_a_parameter_the_base_lacks_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"no hyperparameter Args/momentum \(it has: Args/epochs"):
        check_definition(definition("b", "Args/momentum=uniform:0:1"), KEYS)
    with pytest.raises(InvalidValue, match="given twice"):
        check_definition(definition("b", "Args/lr=uniform:0:1", "Args/lr=log:1:2"), KEYS)


def base_task(core: Core) -> str:
    args = {"lr": {"value": "0.1", "type": "float"}, "epochs": {"value": "3", "type": "int"},
            "optimizer": {"value": "sgd", "type": "str"}}
    task = Task(id="", name="base", repository="/src/repo", entry_point="train.py")
    return core.tasks.add(task, "vision", hyperparameters={"Args": args}, tags=["baseline"])


def test_trials_launch_once_each_within_the_limit_and_stop_ends_them(core: Core) -> None:
    base = base_task(core)
    sweep = core.sweeps.create(definition(base, "Args/lr=log:1e-3:1", "Args/optimizer=choice:sgd,adam",
                                          parallel=2, trials=4))
    record = core.task_json(sweep)
    assert (record["type"], record["parent"], record["status"]) == ("optimizer", base, "draft")
    assert record["sweep"]["budget"] == 4
    first = core.sweeps.launch_trial(sweep, 0, {"Args/lr": "0.01", "Args/optimizer": "adam"}, limit=2)
    second = core.sweeps.launch_trial(sweep, 1, {"Args/lr": "0.02", "Args/optimizer": "sgd"}, limit=2)
    assert first and second
    assert core.sweeps.launch_trial(sweep, 2, {"Args/lr": "0.03", "Args/optimizer": "sgd"}, limit=2) is None
    trial = core.task_json(first)
    assert (trial["status"], trial["parent"], trial["project"]) == ("pending", sweep, f"vision/sweep {sweep}")
    assert trial["hyperparams"]["Args"]["lr"]["value"] == "0.01"
    assert trial["hyperparams"]["Args"]["optimizer"]["value"] == "adam"
    assert trial["hyperparams"]["Args"]["epochs"]["value"] == "3"
    assert set(trial["tags"]) == {"baseline", f"sweep-{sweep}"}
    core.lifecycle.start(second, "w", "h")
    core.sweeps.stop(sweep)
    assert core.tasks.get(first).status == "draft"  # dequeued back to where it was
    assert core.tasks.get(second).abort_requested
    assert core.sweeps.get(sweep)[1] == "stopped"
    assert core.sweeps.launch_trial(sweep, 2, {"Args/lr": "0.03", "Args/optimizer": "sgd"}, limit=2) is None
    assert [t["id"] for t in core.task_json(sweep)["sweep"]["trials"]] == [first, second]


def test_pause_resume_and_extend(core: Core) -> None:
    sweep = core.sweeps.create(definition(base_task(core), "Args/epochs=int:1:9:2", method="grid", trials=3),
                               queue="default")
    assert core.tasks.get(sweep).status == "pending"
    core.sweeps.pause(sweep)
    assert core.sweeps.launch_trial(sweep, 0, {"Args/epochs": "1"}, limit=1) is None
    with pytest.raises(InvalidTransition):
        core.sweeps.pause(sweep)
    core.sweeps.resume(sweep)
    core.sweeps.extend(sweep, 10)
    assert core.sweeps.get(sweep)[0].trials == 5  # no more than the grid's points
    with pytest.raises(InvalidValue, match="all in the budget"):
        core.sweeps.extend(sweep, 1)
    with pytest.raises(InvalidValue, match="not a sweep"):
        core.sweeps.pause(base_task(core))


def test_keep_best_archives_every_ended_trial_but_the_top_k(core: Core) -> None:
    sweep = core.sweeps.create(definition(base_task(core), "Args/lr=log:1e-3:1", parallel=9, trials=5))
    ids = []
    for number, value in enumerate([0.5, 0.1, None, 0.3]):
        trial = core.sweeps.launch_trial(sweep, number, {"Args/lr": "0.1"}, limit=9)
        assert trial is not None
        core.lifecycle.start(trial, "w", "h")
        if value is None:
            core.lifecycle.fail(trial, "exit code 1")
        else:
            core.lifecycle.complete(trial)
        core.sweeps.record_outcome(sweep, trial, "failed" if value is None else "complete", value)
        ids.append(trial)
    running = core.sweeps.launch_trial(sweep, 4, {"Args/lr": "0.2"}, limit=9)
    assert running is not None
    archived = core.sweeps.keep_best(sweep, 2)
    assert sorted(archived) == sorted([ids[0], ids[2]])  # not the best two, and not the one still pending
    assert [core.tasks.get(t).archived for t in ids] == [True, False, True, False]
    assert not core.tasks.get(running).archived


def test_watch_reads_every_trials_curve_of_the_objective_in_one_query(core: Core) -> None:
    base = base_task(core)
    sweep = core.sweeps.create(definition(base, "Args/lr=log:1e-3:1", parallel=9, trials=9))
    trials = []
    for number in range(5):
        trial = core.sweeps.launch_trial(sweep, number, {"Args/lr": str(0.01 * (number + 1))}, limit=9)
        assert trial is not None
        core.lifecycle.start(trial, "w", "h")
        points = [ScalarPoint("loss", "train", i, 1.0 / (i + number + 1)) for i in range(3)]
        core.results.report_scalars(trial, [*points, ScalarPoint("loss", "test", 0, 9.0),
                                            ScalarPoint("acc", "train", 0, 9.0)])
        trials.append(trial)
    with counted_queries(core) as statements:
        watched = core.sweeps.watch(sweep)
    assert watched is not None
    assert sum(1 for s in statements if "scalar" in s.lower()) == 1  # not one per trial
    assert set(watched["curves"]) == set(trials)
    assert watched["curves"][trials[1]] == [(0, 1 / 2), (1, 1 / 3), (2, 1 / 4)]  # the objective's series only
    assert watched["trials"] == core.sweeps.summary(sweep)["trials"]  # type: ignore[index]
    assert core.sweeps.watch(base) is None  # not a sweep


def pop_sweep(core: Core) -> str:
    popped = core.queues.pop(["default"], "sweeper", "box")
    assert popped is not None
    return popped


def test_a_lost_sweep_is_requeued_in_the_same_step_a_few_times_and_keeps_its_run_start(core: Core) -> None:
    sweep = core.sweeps.create(definition(base_task(core), "Args/lr=log:1e-3:1", trials=3), queue="default")
    pop_sweep(core)
    began = run_began(core.store, sweep)
    assert began is not None
    for _ in range(MOST_REQUEUES):
        assert fail_and_requeue(core.store, sweep, "worker lost", "worker sweeper restarted while running it")
        assert core.tasks.get(sweep).status == "pending"  # never seen Failed: one transaction
        pop_sweep(core)
        assert run_began(core.store, sweep) == began  # its wall time is not given again
    # A sweep whose worker keeps dying is left to a person after that many.
    assert not fail_and_requeue(core.store, sweep, "worker lost", "")
    assert core.tasks.get(sweep).status == "running"  # nothing written: the caller fails it as any task
    core.lifecycle.fail(sweep, "worker lost")
    core.lifecycle.retry(sweep)  # a person's retry goes on with the same run, and with fresh requeues
    pop_sweep(core)
    assert run_began(core.store, sweep) == began
    assert fail_and_requeue(core.store, sweep, "worker lost", "")
    history = [e["action"] for e in core.task_json(sweep, with_history=True)["history"]]
    assert history.count("requeued") == MOST_REQUEUES + 1 and history.count("failed") == MOST_REQUEUES + 2


def test_a_stopped_sweep_or_a_plain_task_is_not_requeued_and_an_enqueue_starts_a_new_run(core: Core) -> None:
    plain = core.tasks.add(Task(id="", name="plain", repository="/r", entry_point="t.py"), "vision", queue="default")
    pop_sweep(core)
    assert not fail_and_requeue(core.store, plain, "worker lost", "")
    sweep = core.sweeps.create(definition(base_task(core), "Args/lr=log:1e-3:1", trials=3), queue="default")
    pop_sweep(core)
    first = run_began(core.store, sweep)
    core.lifecycle.complete(sweep)
    core.sweeps.extend(sweep, 2)  # a new run of the sweep: its wall time counts again
    pop_sweep(core)
    second = run_began(core.store, sweep)
    assert first is not None and second is not None and second > first
    core.sweeps.stop(sweep)
    assert not fail_and_requeue(core.store, sweep, "worker lost", "")
