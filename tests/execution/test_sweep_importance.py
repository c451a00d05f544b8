"""Parameter importance of a sweep (Optuna's PED-ANOVA over the completed trials of `show --json`'s sweep object):
the parameter that drives the objective comes first; too few trials give none; values it cannot place are left."""

from __future__ import annotations

import math
from random import Random
from typing import Any

from tasktune_gui.execution.sweep.importance import MIN_TRIALS, param_importances


def sweep(trials: list[tuple[dict[str, str], float | None, str]], goal: str = "min") -> dict[str, Any]:
    params = [{"name": "Args/lr", "kind": "log", "low": 1e-4, "high": 1.0, "step": 1, "values": []},
              {"name": "Args/epochs", "kind": "int", "low": 1, "high": 9, "step": 2, "values": []},
              {"name": "Args/opt", "kind": "choice", "low": 0, "high": 0, "step": 1, "values": ["sgd", "adam"]}]
    definition = {"base": "b" * 16, "params": params, "method": "tpe",
                  "objective": {"metric": "loss", "series": "train", "goal": goal, "value": "last"}}
    return {"definition": definition, "trials": [{"id": f"{n:016x}", "number": n, "values": values,
                                                  "objective": objective, "state": state, "status": "completed"}
                                                 for n, (values, objective, state) in enumerate(trials)]}


def test_the_parameter_that_drives_the_objective_comes_first() -> None:
    random = Random(5)
    trials: list[tuple[dict[str, str], float | None, str]] = []
    for _ in range(40):
        values = {"Args/lr": repr(10 ** random.uniform(-4, 0)), "Args/epochs": str(random.choice([1, 3, 5, 7, 9])),
                  "Args/opt": random.choice(["sgd", "adam"])}
        trials.append((values, float(values["Args/epochs"]), "complete"))  # epochs alone matters
    trials.append(({"Args/lr": "0.1", "Args/epochs": "3", "Args/opt": "sgd"}, None, "failed"))
    trials.append(({"Args/lr": "0.1", "Args/epochs": "3", "Args/opt": "sgd"}, 0.0, "pruned"))
    trials.append(({"Args/lr": "5", "Args/epochs": "3", "Args/opt": "sgd"}, 0.0, "complete"))  # outside its range
    found = param_importances(sweep(trials, goal="max"))
    assert found.trials == 40  # completed and placeable only
    assert list(found.importances)[0] == "Args/epochs"
    assert set(found.importances) == {"Args/lr", "Args/epochs", "Args/opt"}
    assert math.isclose(sum(found.importances.values()), 1.0)


def test_too_few_completed_trials_give_no_importance() -> None:
    values = {"Args/lr": "0.01", "Args/epochs": "3", "Args/opt": "adam"}
    found = param_importances(sweep([(values, 1.0, "complete")] * (MIN_TRIALS - 1)))
    assert (found.importances, found.trials) == ({}, MIN_TRIALS - 1)
