"""A sweep's definition (parameters and their ranges, objective, method, budget, queues), parsed from the
command line's spellings, checked with one clear error per bad value, and kept as JSON on the sweep."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
from dataclasses import dataclass, field
from typing import Any

from tasktune_gui.core.errors import InvalidValue

KINDS = ("uniform", "log", "int", "choice")
METHODS = ("grid", "random", "tpe", "cmaes")
GOALS = ("min", "max")
PRUNERS = ("median", "halving")
DEFAULT_TRIALS = 10  # the budget of a random or model-based search when none is given


@dataclass(frozen=True)
class SweepParam:
    """One hyperparameter searched: `name` is SECTION/NAME; uniform and log are floats in [low, high], int
    steps from low to high, choice lists the values as written."""

    name: str
    kind: str
    low: float = 0.0
    high: float = 0.0
    step: int = 1
    values: tuple[str, ...] = ()

    @property
    def section_and_key(self) -> tuple[str, str]:
        section, _, key = self.name.partition("/")
        return section, key

    def grid_values(self) -> list[Any] | None:
        """The points a grid takes, or None for a continuous range."""
        if self.kind == "choice":
            return list(self.values)
        if self.kind == "int":
            return list(range(int(self.low), int(self.high) + 1, self.step))
        return None


@dataclass(frozen=True)
class Objective:
    metric: str
    series: str
    goal: str = "min"  # min or max
    value: str = "last"  # the last reported value, or the best over the run

    @property
    def label(self) -> str:
        return f"{self.metric}/{self.series}"


@dataclass(frozen=True)
class SweepDefinition:
    base: str  # the base task's id
    params: tuple[SweepParam, ...]
    objective: Objective
    method: str = "tpe"
    trials: int | None = None  # total budget; None: the grid's size, else DEFAULT_TRIALS
    parallel: int = 1  # trials at once: a hard limit
    trial_time: float | None = None  # seconds a trial may run before it is aborted
    wall_time: float | None = None  # seconds the sweep may run
    prune: str | None = None
    trials_queue: str = "default"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def budget(self) -> int:
        return self.trials or DEFAULT_TRIALS

    def grid_size(self) -> int | None:
        """How many trials a grid of these parameters makes; None when one of them is continuous."""
        sizes = [param.grid_values() for param in self.params]
        if any(size is None for size in sizes):
            return None
        return math.prod(len(size) for size in sizes if size is not None)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SweepDefinition:
        raw = json.loads(text)
        params = tuple(SweepParam(**{**p, "values": tuple(p["values"])}) for p in raw.pop("params"))
        return cls(params=params, objective=Objective(**raw.pop("objective")), **raw)


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidValue(f"{what}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InvalidValue(f"{what}: {text!r} is not a finite number")
    return value


def _integer(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidValue(f"{what}: {text!r} is not an integer") from None


def parse_param(text: str) -> SweepParam:
    """`Args/lr=log:1e-4:1e-1`, `Args/lr=uniform:0:1`, `Args/epochs=int:1:9:2`, `Args/opt=choice:sgd,adam`."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    section, slash, key = name.partition("/")
    if not sep or not slash or not section or not key:
        raise InvalidValue(f"sweep parameter {text!r}: write SECTION/NAME=RANGE, e.g. Args/lr=log:1e-4:1e-1")
    kind, _, rest = spec.partition(":")
    what = f"sweep parameter {name}"
    if kind == "choice":
        values = tuple(v.strip() for v in rest.split(",")) if rest else ()
        if not values or any(not v for v in values):
            raise InvalidValue(f"{what}: choice needs values separated by commas, e.g. choice:sgd,adam")
        if len(set(values)) != len(values):
            raise InvalidValue(f"{what}: choice lists a value twice")
        return SweepParam(name, "choice", values=values)
    parts = rest.split(":")
    if kind in ("uniform", "log"):
        if len(parts) != 2:
            raise InvalidValue(f"{what}: {kind} needs LOW:HIGH, e.g. {kind}:1e-4:1e-1")
        low, high = (_number(p, what) for p in parts)
        if low >= high:
            raise InvalidValue(f"{what}: the low end {parts[0]} is not below the high end {parts[1]}")
        if kind == "log" and low <= 0:
            raise InvalidValue(f"{what}: a log range must be above 0 (got {parts[0]})")
        return SweepParam(name, kind, low=low, high=high)
    if kind == "int":
        if len(parts) not in (2, 3):
            raise InvalidValue(f"{what}: int needs LOW:HIGH[:STEP], e.g. int:1:9:2")
        low_i, high_i = _integer(parts[0], what), _integer(parts[1], what)
        step = _integer(parts[2], what) if len(parts) == 3 else 1
        if low_i >= high_i:
            raise InvalidValue(f"{what}: the low end {low_i} is not below the high end {high_i}")
        if step < 1:
            raise InvalidValue(f"{what}: the step must be 1 or more (got {step})")
        if (high_i - low_i) % step:
            raise InvalidValue(f"{what}: {high_i} is not reached from {low_i} in steps of {step}")
        return SweepParam(name, "int", low=low_i, high=high_i, step=step)
    raise InvalidValue(f"{what}: unknown range {kind!r}; use one of {', '.join(KINDS)}")


def parse_objective(text: str, best: bool = False) -> Objective:
    """`loss/train:min` (or :max); `best`: the best value over the run instead of the last."""
    label, sep, goal = text.rpartition(":")
    if not sep:
        label, goal = text, "min"
    metric, slash, series = label.rpartition("/")
    if not slash or not metric or not series:
        raise InvalidValue(f"objective {text!r}: write TITLE/SERIES:min or :max, e.g. loss/train:min")
    if goal not in GOALS:
        raise InvalidValue(f"objective {text!r}: the goal must be min or max (got {goal!r})")
    return Objective(metric, series, goal, "best" if best else "last")


def _positive(value: float | None, what: str) -> None:
    if value is not None and not value > 0:
        raise InvalidValue(f"{what} must be more than 0 (got {value:g})")


def check_definition(definition: SweepDefinition, hyperparameters: set[str]) -> SweepDefinition:
    """The definition as it will run, or an InvalidValue naming the first bad value; `hyperparameters` are the
    base task's SECTION/NAME keys. A grid's budget is its size unless a smaller one is asked for."""
    if not definition.params:
        raise InvalidValue("a sweep needs at least one --param")
    names = [param.name for param in definition.params]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        raise InvalidValue(f"sweep parameter {twice} is given twice")
    missing = [name for name in names if name not in hyperparameters]
    if missing:
        known = ", ".join(sorted(hyperparameters)) or "none"
        raise InvalidValue(f"the base task has no hyperparameter {missing[0]} (it has: {known})")
    if definition.method not in METHODS:
        raise InvalidValue(f"unknown method {definition.method!r}; use one of {', '.join(METHODS)}")
    if definition.method == "cmaes" and importlib.util.find_spec("cmaes") is None:
        raise InvalidValue("method cmaes needs the cmaes package (pip install cmaes) next to TaskTune")
    if definition.prune is not None and definition.prune not in PRUNERS:
        raise InvalidValue(f"unknown pruning {definition.prune!r}; use one of {', '.join(PRUNERS)}")
    if definition.trials is not None and definition.trials < 1:
        raise InvalidValue(f"--trials must be 1 or more (got {definition.trials})")
    if definition.parallel < 1:
        raise InvalidValue(f"--parallel must be 1 or more (got {definition.parallel})")
    _positive(definition.trial_time, "--trial-time")
    _positive(definition.wall_time, "--wall-time")
    if definition.method == "grid":
        size = definition.grid_size()
        if size is None:
            continuous = next(p.name for p in definition.params if p.grid_values() is None)
            raise InvalidValue(f"a grid needs a list or an int range for each parameter; {continuous} is continuous")
        return dataclasses.replace(definition, trials=min(definition.trials or size, size))
    return dataclasses.replace(definition, trials=definition.trials or DEFAULT_TRIALS)
