"""A trial's objective: the last reported value of the sweep's scalar, or its best over the run."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from tasktune_gui.core.models import LastMetric, Scalar, SweepTrial
from tasktune_gui.core.sweeps.definition import Objective


def objective_value(session: Session, task_id: str, objective: Objective) -> float | None:
    """None when the task never reported that scalar."""
    if objective.value == "last":
        row = session.get(LastMetric, (task_id, objective.metric, objective.series))
        return None if row is None else float(row.value)
    pick = func.min if objective.goal == "min" else func.max
    value = session.exec(select(pick(Scalar.value)).where(
        col(Scalar.task_id) == task_id, col(Scalar.metric) == objective.metric,
        col(Scalar.series) == objective.series)).one()
    return None if value is None else float(value)


def objective_points(session: Session, task_id: str, objective: Objective, after: int) -> list[tuple[int, float]]:
    """The objective's points reported after iteration `after`, in order (what pruning judges a running trial by)."""
    rows = session.exec(select(Scalar.iteration, Scalar.value).where(
        col(Scalar.task_id) == task_id, col(Scalar.metric) == objective.metric,
        col(Scalar.series) == objective.series, col(Scalar.iteration) > after).order_by(col(Scalar.iteration))).all()
    return [(int(iteration), float(value)) for iteration, value in rows]


def objective_curves(session: Session, sweep_id: str, objective: Objective) -> dict[str, list[tuple[int, float]]]:
    """Every trial's points of the objective (trial task id -> points in order), in one query for the whole sweep."""
    rows = session.exec(select(Scalar.task_id, Scalar.iteration, Scalar.value)
                        .join(SweepTrial, col(SweepTrial.task_id) == col(Scalar.task_id))
                        .where(col(SweepTrial.sweep_id) == sweep_id, col(Scalar.metric) == objective.metric,
                               col(Scalar.series) == objective.series)
                        .order_by(col(Scalar.task_id), col(Scalar.iteration))).all()
    curves: dict[str, list[tuple[int, float]]] = {}
    for task_id, iteration, value in rows:
        curves.setdefault(task_id, []).append((int(iteration), float(value)))
    return curves
