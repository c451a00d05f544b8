"""Which parameters drive a sweep's objective: Optuna's PED-ANOVA evaluator over the sweep's completed trials."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import optuna
from optuna.distributions import CategoricalDistribution
from optuna.importance import PedAnovaImportanceEvaluator, get_param_importances
from optuna.study import StudyDirection
from optuna.trial import create_trial

from tasktune_gui.core.sweeps.definition import SweepDefinition
from tasktune_gui.execution.sweep.search import distributions

# Fewer completed trials than this say nothing about importance (PED-ANOVA compares the top tenth with the rest).
MIN_TRIALS = 5


@dataclass(frozen=True)
class Importance:
    importances: dict[str, float]  # parameter -> share of the objective's variation, largest first; {} below MIN
    trials: int  # the completed trials it rests on


def param_importances(sweep: dict[str, Any]) -> Importance:
    """From the sweep's `show --json` object. PED-ANOVA needs only numpy (fANOVA and mean decrease impurity need
    scikit-learn, not a dependency) and takes about 30 ms at 1,000 trials (bench/bench_sweeps.py)."""
    definition = SweepDefinition.from_json(json.dumps(sweep["definition"]))
    space = distributions(definition)
    done = [t for t in sweep["trials"] if t["state"] == "complete" and t["objective"] is not None]
    trials = []
    for trial in done:
        params = {name: _value(space[name], trial["values"].get(name)) for name in space}
        if any(value is None for value in params.values()):
            continue  # values outside the definition (edited by hand): not comparable
        try:
            trials.append(create_trial(params=params, distributions=space, value=float(trial["objective"])))
        except ValueError:  # a value outside its distribution
            continue
    if len(trials) < MIN_TRIALS:
        return Importance({}, len(trials))
    direction = StudyDirection.MINIMIZE if definition.objective.goal == "min" else StudyDirection.MAXIMIZE
    study = optuna.create_study(direction=direction)
    study.add_trials(trials)
    found = get_param_importances(study, evaluator=PedAnovaImportanceEvaluator(), normalize=True)
    return Importance({name: float(share) for name, share in found.items()}, len(trials))


def _value(distribution: optuna.distributions.BaseDistribution, text: str | None) -> Any:
    if text is None:
        return None
    if isinstance(distribution, CategoricalDistribution):
        return text if text in distribution.choices else None
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if isinstance(distribution, optuna.distributions.IntDistribution) else number
