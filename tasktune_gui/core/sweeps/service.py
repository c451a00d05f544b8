"""Sweeps in the database: create one on an optimizer task, launch its trials (each in one transaction that
clones, enqueues and records it, refusing past the limit of trials at once), stop, pause, resume, extend."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, text, update
from sqlmodel import Session, col, select

from tasktune_gui.core.errors import InvalidTransition, InvalidValue
from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.history import recorded
from tasktune_gui.core.ids import new_id
from tasktune_gui.core.lifecycle import enqueue_in, require, set_status
from tasktune_gui.core.lookup import ensure_project, get_queue, get_task, touch_project
from tasktune_gui.core.models import (
    Hyperparameter,
    Project,
    Sweep,
    SweepJournal,
    SweepTrial,
    Task,
    TaskTag,
    utcnow,
)
from tasktune_gui.core.permissions import READ_ONLY_ROLES, check, check_create
from tasktune_gui.core.queues import remove
from tasktune_gui.core.status import Operation, Status
from tasktune_gui.core.store import Store
from tasktune_gui.core.sweeps.definition import SweepDefinition, check_definition
from tasktune_gui.core.sweeps.objective import objective_curves, objective_points, objective_value
from tasktune_gui.core.tasks import CLONED_FIELDS, CLONED_TABLES, copy_rows
from tasktune_gui.core.users import acting_user
from tasktune_gui.core.value_checks import check_label

ACTIVE, PAUSED, STOPPED = "active", "paused", "stopped"
# A trial's task in one of these is still to be waited for; any other status is its end.
WAITING = (Status.PENDING.value, Status.RUNNING.value)


@dataclass(frozen=True)
class TrialRow:
    number: int
    task_id: str
    params: dict[str, str]
    state: str  # running, complete, failed, pruned
    objective: float | None
    task_status: str | None  # None: its task was deleted
    started: Any = None
    completed: Any = None


def trial_project(project: str, sweep_id: str) -> str:
    return f"{project}/sweep {sweep_id}"


def trial_tag(sweep_id: str) -> str:
    return f"sweep-{sweep_id}"


class SweepService:
    """The sweep's records; the search itself (Optuna) runs in the worker (execution/sweep)."""

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def create(self, definition: SweepDefinition, name: str | None = None, queue: str | None = None) -> str:
        """The sweep task (type optimizer, a Draft, or enqueued on `queue`) beside its base task; its id."""
        check_create(self.store.identity)
        with self.store.write() as session:
            base = get_task(session, definition.base)
            keys = session.exec(select(Hyperparameter.section, Hyperparameter.name)
                                .where(col(Hyperparameter.task_id) == base.id)).all()
            checked = check_definition(definition, {f"{s}/{n}" for s, n in keys})
            checked = SweepDefinition(**{**checked.__dict__, "base": base.id})
            get_queue(session, checked.trials_queue)
            if queue is not None:
                get_queue(session, queue)
            task = Task(id=new_id(), name=check_label(name or f"Sweep of {base.name}", "task name"),
                        type="optimizer", project_id=base.project_id, parent_id=base.id, user=acting_user(session),
                        description=f"Sweep of {checked.objective.label} ({checked.objective.goal}) over "
                                    + ", ".join(p.name for p in checked.params))
            with recorded(session, task, "created"):
                session.add(task)
                session.flush()
                session.add(Sweep(task_id=task.id, definition=checked.to_json(), state=ACTIVE))
            touch_project(session, task.project_id)
            if queue is not None:
                with recorded(session, task, "enqueued"):
                    enqueue_in(session, task, queue, Operation.ENQUEUE)
            created = task.id
            note(session, Change("task", "created", (created,)))
        return created

    def summary(self, task_id: str) -> dict[str, Any] | None:
        """`show --json`'s `sweep` object of a task (full id); None for a task that is not a sweep."""
        with self.store.read() as session:
            return sweep_json(session, task_id)

    def watch(self, task_id: str) -> dict[str, Any] | None:
        """What the SWEEP tab shows: `summary` plus `curves`, every trial's points of the objective (read at once)."""
        with self.store.read() as session:
            shown = sweep_json(session, task_id)
            if shown is None:
                return None
            objective = SweepDefinition.from_json(json.dumps(shown["definition"])).objective
            return {**shown, "curves": objective_curves(session, task_id, objective)}

    def get(self, sweep_id: str) -> tuple[SweepDefinition, str]:
        """The definition and state (active, paused, stopped) of a sweep (an optimizer task's id or prefix)."""
        with self.store.read() as session:
            sweep = _sweep(session, sweep_id)
            return SweepDefinition.from_json(sweep.definition), sweep.state

    # What a person does.

    def pause(self, sweep_id: str) -> None:
        self._set_state(sweep_id, PAUSED, "pause", (ACTIVE,))

    def resume(self, sweep_id: str) -> None:
        self._set_state(sweep_id, ACTIVE, "resume", (PAUSED,))

    def _set_state(self, sweep_id: str, state: str, action: str, allowed: tuple[str, ...]) -> None:
        with self.store.write() as session:
            sweep = _sweep(session, sweep_id)
            task = get_task(session, sweep.task_id)
            check(self.store.identity, task.user, action, task.id)
            if sweep.state not in allowed:
                raise InvalidTransition(task.id, f"{action} the sweep", sweep.state, " or ".join(allowed))
            sweep.state = state
            session.add(sweep)
            _touch(session, task)

    def stop(self, sweep_id: str) -> None:
        """In one step: no more trials, running ones asked to abort, pending ones dequeued, the sweep ended."""
        with self.store.write() as session:
            sweep = _sweep(session, sweep_id)
            task = get_task(session, sweep.task_id)
            check(self.store.identity, task.user, "abort", task.id)
            sweep.state = STOPPED
            session.add(sweep)
            trial_ids = session.exec(select(SweepTrial.task_id).where(col(SweepTrial.sweep_id) == task.id)).all()
            trials = session.exec(select(Task).where(col(Task.id).in_(trial_ids), col(Task.status).in_(WAITING)))
            for trial in [task, *trials.all()]:
                _end(session, trial, "sweep stopped")
            _touch(session, task)

    def extend(self, sweep_id: str, more: int) -> None:
        """N more trials; a sweep that has ended is enqueued again on its last queue to run them."""
        if more < 1:
            raise InvalidValue(f"extend needs 1 or more trials (got {more})")
        with self.store.write() as session:
            sweep = _sweep(session, sweep_id)
            task = get_task(session, sweep.task_id)
            check(self.store.identity, task.user, "enqueue", task.id)
            definition = SweepDefinition.from_json(sweep.definition)
            grid = definition.grid_size() if definition.method == "grid" else None
            if grid is not None and definition.budget >= grid:
                raise InvalidValue(f"the grid's {grid} points are all in the budget already")
            budget = definition.budget + more if grid is None else min(definition.budget + more, grid)
            sweep.definition = SweepDefinition(**{**definition.__dict__, "trials": budget}).to_json()
            sweep.state = ACTIVE
            session.add(sweep)
            status = Status(task.status)
            if status is Status.COMPLETED:  # completed -> draft -> pending: run again on the same records
                set_status(session, task, status, Status.DRAFT, completed=None)
            if Status(task.status) in (Status.DRAFT, Status.ABORTED, Status.FAILED) and task.queue:
                with recorded(session, task, "enqueued"):
                    enqueue_in(session, task, task.queue, Operation.ENQUEUE)
            _touch(session, task)

    def keep_best(self, sweep_id: str, keep: int) -> list[str]:
        """Archive every ended trial but the `keep` best (by the objective); the archived ids."""
        if keep < 0:
            raise InvalidValue(f"keep needs 0 or more trials (got {keep})")
        with self.store.write() as session:
            sweep = _sweep(session, sweep_id)
            task = get_task(session, sweep.task_id)
            check(self.store.identity, task.user, "archive", task.id)
            goal = SweepDefinition.from_json(sweep.definition).objective.goal
            trials = _trials(session, sweep.task_id)
            scored = sorted((t for t in trials if t.objective is not None and t.state == "complete"),
                            key=lambda t: (t.objective or 0.0) * (1 if goal == "min" else -1))
            kept = {t.task_id for t in scored[:keep]}
            ended = [t.task_id for t in trials if t.task_id not in kept and t.task_status is not None
                     and t.task_status not in WAITING]
            rows = session.exec(select(Task).where(col(Task.id).in_(ended), col(Task.archived).is_(False))).all()
            for trial in rows:
                with recorded(session, trial, "archived"):
                    trial.archived = True
                    trial.last_update = utcnow()
                    session.add(trial)
                    session.flush()
            archived = [trial.id for trial in rows]
            if archived:
                note(session, Change("task", "updated", tuple(archived)))
        return archived

    # The sweep's own run.

    def launch_trial(self, sweep_id: str, number: int, values: dict[str, str], limit: int,
                     journal: Iterable[dict[str, Any]] = ()) -> str | None:
        """Clone the base with `values`, tag it, enqueue it on the trials queue and record it with the search's
        `journal` of asking for it, in one transaction; None (nothing written) when `limit` trials are already
        pending or running or the sweep may not launch."""
        with self.store.write() as session:
            sweep = _sweep(session, sweep_id)
            if sweep.state != ACTIVE:
                return None
            if _waiting_count(session, sweep.task_id) >= limit:
                return None
            definition = SweepDefinition.from_json(sweep.definition)
            sweep_task = get_task(session, sweep.task_id)
            base = get_task(session, definition.base)
            project = session.get(Project, sweep_task.project_id)
            assert project is not None
            if self.store.identity.role in READ_ONLY_ROLES:  # a lab's worker login creates no task itself
                trial_id = new_id()
                session.execute(_LAUNCH_IN_LAB, {
                    "sweep": sweep_task.id, "trial": trial_id, "name": f"{base.name} · trial {number}",
                    "project": trial_project(project.name, sweep_task.id), "values": json.dumps(values),
                    "queue": definition.trials_queue, "tag": trial_tag(sweep_task.id)})
                return _recorded_trial(session, sweep_task.id, number, trial_id, values, journal)
            target = ensure_project(session, trial_project(project.name, sweep_task.id))
            assert target.id is not None
            trial = Task(id=new_id(), name=f"{base.name} · trial {number}", project_id=target.id,
                         parent_id=sweep_task.id, user=sweep_task.user, status=Status.DRAFT,
                         **{f: getattr(base, f) for f in CLONED_FIELDS})
            with recorded(session, trial, "cloned"):
                session.add(trial)
                session.flush()
                for table in CLONED_TABLES:
                    copy_rows(session, table, base.id, trial.id)
                for name, value in values.items():
                    section, _, key = name.partition("/")
                    session.execute(update(Hyperparameter).where(
                        col(Hyperparameter.task_id) == trial.id, col(Hyperparameter.section) == section,
                        col(Hyperparameter.name) == key).values(value=value))
                session.add(TaskTag(task_id=trial.id, tag=trial_tag(sweep_task.id)))
                session.flush()
            with recorded(session, trial, "enqueued"):
                enqueue_in(session, trial, definition.trials_queue, Operation.ENQUEUE)
            touch_project(session, target.id)
            return _recorded_trial(session, sweep_task.id, number, trial.id, values, journal)

    def trials(self, sweep_id: str) -> list[TrialRow]:
        with self.store.read() as session:
            return _trials(session, _sweep(session, sweep_id).task_id)

    def record_outcome(self, sweep_id: str, trial_task_id: str, state: str, objective: float | None,
                       journal: Iterable[dict[str, Any]] = ()) -> None:
        """A trial's end as the search was told it (`journal`), in one transaction."""
        with self.store.write() as session:
            session.execute(update(SweepTrial).where(col(SweepTrial.task_id) == trial_task_id)
                            .values(state=state, objective=objective))
            _append(session, sweep_id, journal)

    def objective(self, trial_task_id: str, definition: SweepDefinition) -> float | None:
        with self.store.read() as session:
            return objective_value(session, trial_task_id, definition.objective)

    def progress(self, trial_task_id: str, definition: SweepDefinition, after: int) -> list[tuple[int, float]]:
        with self.store.read() as session:
            return objective_points(session, trial_task_id, definition.objective, after)

    def prune_trial(self, sweep_id: str, trial_task_id: str, objective: float | None,
                    journal: Iterable[dict[str, Any]] = ()) -> None:
        """A trial behind the others: marked pruned (as the search was told, `journal`) and aborted, at once."""
        with self.store.write() as session:
            session.execute(update(SweepTrial).where(col(SweepTrial.task_id) == trial_task_id)
                            .values(state="pruned", objective=objective))
            _append(session, sweep_id, journal)
            task = session.get(Task, trial_task_id)
            if task is not None and task.status in WAITING:
                _end(session, task, "pruned")

    def abort_trial(self, trial_task_id: str, reason: str) -> None:
        """The sweep's own abort of a trial (its time is up, it was pruned); one that ended meanwhile is left."""
        with self.store.write() as session:
            task = session.get(Task, trial_task_id)
            if task is not None and task.status in WAITING and not task.abort_requested:  # asked once
                _end(session, task, reason)

    # Optuna's journal of the sweep's study, one row per operation.

    def read_journal(self, sweep_id: str, start: int) -> list[dict[str, Any]]:
        with self.store.read() as session:
            rows = session.exec(select(SweepJournal.body).where(col(SweepJournal.sweep_id) == sweep_id)
                                .order_by(col(SweepJournal.id)).offset(start)).all()
        return [json.loads(body) for body in rows]

    def append_journal(self, sweep_id: str, logs: Iterable[dict[str, Any]]) -> None:
        with self.store.write() as session:
            _append(session, sweep_id, logs)


# In a lab, the trial made by the database for the login running the sweep (core/lab.py).
_LAUNCH_IN_LAB = text("SELECT tasktune_launch_trial(:sweep, :trial, :name, :project, CAST(:values AS jsonb), :queue, "
                      ":tag)")


def _recorded_trial(session: Session, sweep_id: str, number: int, trial_id: str, values: dict[str, str],
                    journal: Iterable[dict[str, Any]]) -> str:
    session.add(SweepTrial(sweep_id=sweep_id, number=number, task_id=trial_id, params=json.dumps(values)))
    _append(session, sweep_id, journal)
    note(session, Change("task", "created", (trial_id,)))
    return trial_id


def _append(session: Session, sweep_id: str, logs: Iterable[dict[str, Any]]) -> None:
    session.add_all([SweepJournal(sweep_id=sweep_id, body=json.dumps(log)) for log in logs])


def _sweep(session: Session, sweep_id: str) -> Sweep:
    task = get_task(session, sweep_id)
    sweep = session.get(Sweep, task.id)
    if sweep is None:
        raise InvalidValue(f"task {task.id} is not a sweep (its type is {task.type})")
    return sweep


def _touch(session: Session, task: Task) -> None:
    task.last_update = utcnow()
    session.add(task)
    note(session, Change("task", "updated", (task.id,)))


def _end(session: Session, task: Task, reason: str) -> None:
    """A pending task dequeued back where it was, a running one asked to abort (its worker ends it)."""
    status = Status(task.status)
    if status is Status.PENDING:
        require(task, Operation.DEQUEUE)
        with recorded(session, task, "dequeued"):
            remove(session, task.id)
            back_to = Status(task.status_before_enqueue or Status.DRAFT)
            set_status(session, task, status, back_to, status_before_enqueue=None, status_reason=reason)
        note(session, Change("task", "status", (task.id,)))
    elif status is Status.RUNNING:
        with recorded(session, task, "aborted"):
            task.abort_requested = True
            task.status_reason = reason
            task.last_update = utcnow()
            session.add(task)
            session.flush()
        note(session, Change("task", "status", (task.id,)))


def _waiting_count(session: Session, sweep_id: str) -> int:
    return int(session.exec(select(func.count()).select_from(SweepTrial)
                            .join(Task, col(Task.id) == col(SweepTrial.task_id))
                            .where(col(SweepTrial.sweep_id) == sweep_id, col(Task.status).in_(WAITING))).one())


def _trials(session: Session, sweep_id: str) -> list[TrialRow]:
    rows = session.exec(select(SweepTrial, Task.status, Task.started, Task.completed)
                        .join(Task, col(Task.id) == col(SweepTrial.task_id), isouter=True)
                        .where(col(SweepTrial.sweep_id) == sweep_id).order_by(col(SweepTrial.number))).all()
    return [TrialRow(t.number, t.task_id, json.loads(t.params), t.state, t.objective, status, started, completed)
            for t, status, started, completed in rows]


def sweep_json(session: Session, sweep_id: str) -> dict[str, Any] | None:
    """`show --json`'s `sweep` object: definition, state, each trial, and the best trial's id."""
    sweep = session.get(Sweep, sweep_id)
    if sweep is None:
        return None
    definition = SweepDefinition.from_json(sweep.definition)
    trials = _trials(session, sweep_id)
    scored = [t for t in trials if t.state == "complete" and t.objective is not None]
    pick = min if definition.objective.goal == "min" else max
    best = pick(scored, key=lambda t: t.objective or 0.0) if scored else None
    return {
        "definition": json.loads(sweep.definition),
        "state": sweep.state,
        "budget": definition.budget,
        "grid_size": definition.grid_size(),
        "trials": [{"id": t.task_id, "number": t.number, "values": t.params, "objective": t.objective,
                    "state": t.state, "status": t.task_status} for t in trials],
        "best": best.task_id if best is not None else None,
        "best_objective": best.objective if best is not None else None,
    }
