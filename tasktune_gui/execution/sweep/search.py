"""The search of a sweep: its Optuna study (sampler by method, direction by goal) and a trial's values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.storages import JournalStorage
from optuna.study import StudyDirection
from optuna.trial import FrozenTrial, TrialState

from tasktune_gui.core.api import Core
from tasktune_gui.core.sweeps.definition import SweepDefinition, SweepParam
from tasktune_gui.execution.sweep.journal import SweepJournal

# A worker's console is no place for Optuna's line per trial: the sweep writes its own.
optuna.logging.set_verbosity(optuna.logging.WARNING)


class _GridSampler(optuna.samplers.GridSampler):
    """Optuna's grid, without its stop once every point was tried: that is only allowed inside `optimize`, and
    the sweep's budget (at most the grid's size) ends the search here."""

    def after_trial(self, study: optuna.Study, trial: FrozenTrial, state: TrialState,
                    values: Sequence[float] | None) -> None:
        return None


def _sampler(definition: SweepDefinition) -> optuna.samplers.BaseSampler:
    if definition.method == "grid":
        space = {p.name: p.grid_values() or [] for p in definition.params}
        return _GridSampler(space)
    if definition.method == "random":
        return optuna.samplers.RandomSampler()
    if definition.method == "cmaes":
        return optuna.samplers.CmaEsSampler()
    return optuna.samplers.TPESampler()


# Median pruning judges a trial once this many have completed (Optuna's default of 5 is long for small sweeps).
MEDIAN_STARTUP_TRIALS = 3


def _pruner(definition: SweepDefinition) -> optuna.pruners.BasePruner:
    if definition.prune == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=MEDIAN_STARTUP_TRIALS)
    if definition.prune == "halving":
        return optuna.pruners.SuccessiveHalvingPruner()
    return optuna.pruners.NopPruner()


def open_study(core: Core, sweep_id: str, definition: SweepDefinition) -> tuple[optuna.Study, SweepJournal]:
    """The sweep's study, made on its first run and read back from the journal on every later one; its journal,
    whose pending operations the caller writes."""
    journal = SweepJournal(core, sweep_id)
    direction = StudyDirection.MINIMIZE if definition.objective.goal == "min" else StudyDirection.MAXIMIZE
    study = optuna.create_study(storage=JournalStorage(journal), study_name=sweep_id, direction=direction,
                                sampler=_sampler(definition), pruner=_pruner(definition), load_if_exists=True)
    journal.flush()  # the study itself, once
    return study, journal


def distribution(param: SweepParam) -> BaseDistribution:
    if param.kind == "choice":
        return CategoricalDistribution(list(param.values))
    if param.kind == "int":
        return IntDistribution(int(param.low), int(param.high), step=param.step)
    return FloatDistribution(param.low, param.high, log=param.kind == "log")


def distributions(definition: SweepDefinition) -> dict[str, BaseDistribution]:
    return {param.name: distribution(param) for param in definition.params}


def as_text(value: Any) -> str:
    """A trial's value as a hyperparameter holds it: floats exactly, ints and choices as they are."""
    if isinstance(value, float):
        return repr(value)
    return str(value)
