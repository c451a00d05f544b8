"""Optuna's study of a sweep in TaskTune's database (SQLite and PostgreSQL): written, then read back by a new run."""

from __future__ import annotations

from optuna.trial import TrialState

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.sweeps.definition import SweepDefinition, parse_objective, parse_param
from tasktune_gui.execution.sweep.search import as_text, distributions, open_study


def test_the_study_survives_a_new_run(core: Core) -> None:
    args = {"lr": {"value": "0.1", "type": "float"}, "optimizer": {"value": "sgd", "type": "str"}}
    base = core.tasks.add(Task(id="", name="base", repository="/r", entry_point="t.py"), "P",
                          hyperparameters={"Args": args})
    definition = SweepDefinition(base=base, params=(parse_param("Args/lr=log:1e-4:1"),
                                                    parse_param("Args/optimizer=choice:sgd,adam")),
                                 objective=parse_objective("loss/train:max"), method="tpe")
    sweep_id = core.sweeps.create(definition)
    study, journal = open_study(core, sweep_id, definition)
    first = study.ask(distributions(definition))
    study.tell(first.number, 0.5)
    second = study.ask(distributions(definition))
    assert open_study(core, sweep_id, definition)[0].get_trials() == []  # nothing written yet
    journal.flush()
    assert 1e-4 <= second.params["Args/lr"] <= 1 and second.params["Args/optimizer"] in ("sgd", "adam")
    assert as_text(second.params["Args/lr"]) == repr(second.params["Args/lr"])

    again, journal = open_study(core, sweep_id, definition)  # as a restarted sweep reads it
    states = [t.state for t in again.get_trials(deepcopy=False)]
    assert states == [TrialState.COMPLETE, TrialState.RUNNING]
    assert again.best_value == 0.5 and again.direction.name == "MAXIMIZE"
    again.tell(second.number, 0.7)
    journal.flush()
    assert open_study(core, sweep_id, definition)[0].best_trial.number == second.number
    other = core.sweeps.create(definition)  # each sweep its own journal
    assert open_study(core, other, definition)[0].get_trials() == []
