"""An optimizer task's run: ask Optuna, launch each trial as a clone of the base task on the trials queue, wait,
tell; the trials at once and the budget are counted in the database, so a restarted sweep goes on where it was."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import optuna
from optuna.distributions import BaseDistribution
from optuna.trial import TrialState

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition, TaskTuneError
from tasktune_gui.core.retry import retry_while_disconnected
from tasktune_gui.core.status import Status
from tasktune_gui.core.sweeps.definition import SweepDefinition
from tasktune_gui.core.sweeps.resume import run_began, run_stamp
from tasktune_gui.core.sweeps.service import ACTIVE, STOPPED, WAITING, TrialRow
from tasktune_gui.execution.sweep.journal import SweepJournal
from tasktune_gui.execution.sweep.search import as_text, distributions, open_study

log = logging.getLogger(__name__)
IDLE_WAIT_S = 1.0  # a look even when no change woke the loop (a trial's time limit, the wall time)
# On SQLite every commit wakes the loop, the trials' console lines too: at most one round per this long.
MIN_ROUND_S = 0.05


class Waiter(Protocol):
    """Wakes the loop when the database changes (the worker's Wakeup)."""

    event: threading.Event

    def wait(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class SweepRun:
    """Runs one optimizer task already marked Running by pop; `request_stop` ends it (and its trials)."""

    def __init__(self, core: Core, task_id: str, waiter: Waiter) -> None:
        self.core = core
        self.task_id = task_id
        self.waiter = waiter
        self.ending = False
        self._stop_reason: str | None = None
        self._pause = threading.Event()  # never set: a wait that a stop need not cut short (it is 50 ms at most)
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._best: float | None = None
        self._lines: list[tuple[str, str]] = []
        self._live: dict[int, tuple[optuna.trial.Trial, int]] = {}  # by trial number: its Trial, the last step told
        self._stamp: datetime | None = None  # when the task's run that this is started: another stamp, another run

    def request_stop(self, reason: str) -> None:
        with self._lock:
            if self._stop_reason is None:
                self._stop_reason = reason
        self.waiter.event.set()

    @property
    def stopping(self) -> bool:
        with self._lock:
            return self._stop_reason is not None

    def run(self) -> None:
        try:
            self._run()
        except TaskTuneError as exc:
            message = str(exc)
            self._finish(lambda: self.core.lifecycle.fail(self.task_id, "sweep error", message))
        except Exception as exc:  # never leave the sweep Running because of a bug here
            log.exception("sweep %s failed", self.task_id)
            message = f"{type(exc).__name__}: {exc}"
            self._finish(lambda: self.core.lifecycle.fail(self.task_id, "sweep error", message))
        finally:
            self.waiter.close()

    def _say(self, text: str) -> None:
        self._lines.append(("stdout", text))  # written once per round of the loop

    def _write_lines(self) -> None:
        if self._lines:
            self.core.results.append_console(self.task_id, self._lines)
            self._lines = []

    def _run(self) -> None:
        definition, _ = self.core.sweeps.get(self.task_id)
        study, journal = open_study(self.core, self.task_id, definition)
        space = distributions(definition)
        trials = self.core.sweeps.trials(self.task_id)
        self._stamp = run_stamp(self.core.store, self.task_id)[1]
        elapsed = self._time_used_before()
        self._started -= elapsed
        used = f", {elapsed:.0f} s of its wall time used" if elapsed and definition.wall_time is not None else ""
        self._say(f"[sweep] {definition.method} search of {definition.objective.label} ({definition.objective.goal}),"
                  f" {definition.budget} trials, {definition.parallel} at once; {len(trials)} launched before{used}")
        while True:
            round_started = time.monotonic()
            if self._taken_over():
                return
            definition, state = self.core.sweeps.get(self.task_id)  # extend, pause and stop change it
            trials = self.core.sweeps.trials(self.task_id)
            self._tell_ended(study, journal, definition, trials)
            waiting = [t for t in trials if t.task_status in WAITING]
            over = definition.wall_time is not None and time.monotonic() - self._started > definition.wall_time
            if self.stopping or state == STOPPED or over:
                if self.stopping and self._taken_over():  # the worker's stop may say it was taken over just now
                    return
                if not waiting:
                    self._end(over and not self.stopping and state != STOPPED)
                    return
                for trial in waiting:  # `sweep stop` has done it already; an abort or the wall time has not
                    self.core.sweeps.abort_trial(trial.task_id, "sweep stopped" if not over else "sweep wall time")
            else:
                if definition.prune:
                    self._prune(study, journal, definition, waiting)
                self._check_trial_times(definition, waiting)
                launched, active = len(trials), len(waiting)
                while state == ACTIVE and launched < definition.budget and active < definition.parallel:
                    if not self._launch(study, journal, space, definition, launched):
                        break
                    launched += 1
                    active += 1
                if launched >= definition.budget and not active:
                    self._end(True)
                    return
            self._write_lines()
            self._pause.wait(max(0.0, MIN_ROUND_S - (time.monotonic() - round_started)))
            self.waiter.wait(IDLE_WAIT_S)

    def _taken_over(self) -> bool:
        """Declared lost while it ran here (a worker that stopped heartbeating, then came back): the sweep was
        requeued and another run goes on with it. This one leaves its trials and its status to that run."""
        status, stamp = run_stamp(self.core.store, self.task_id)
        if status == Status.RUNNING and stamp == self._stamp:
            return False
        log.warning("sweep %s: declared lost and taken over by another run (%s); this one ends", self.task_id, status)
        self.ending = True
        return True

    def _time_used_before(self) -> float:
        """Seconds since this run of the sweep first started: a sweep requeued after its worker was lost goes on
        with the wall time it has left (times in the database's clock)."""
        began = run_began(self.core.store, self.task_id)
        if began is None:
            return 0.0
        now = self.core.workers.database_now()
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
        return max(0.0, (now - began).total_seconds())

    def _launch(self, study: optuna.Study, journal: SweepJournal, space: dict[str, BaseDistribution],
                definition: SweepDefinition, launched: int) -> bool:
        """Ask, and launch the trial with the journal of the ask in one transaction: in the study once launched."""
        trial = study.ask(space)
        values = {name: as_text(value) for name, value in trial.params.items()}
        pending = journal.take_pending()
        task_id = self.core.sweeps.launch_trial(self.task_id, trial.number, values, definition.parallel, pending)
        if task_id is None:  # paused or stopped meanwhile, or the limit reached: this trial never runs
            study.tell(trial.number, state=TrialState.FAIL)
            journal.flush()
            return False
        journal.written(len(pending))
        shown = " ".join(f"{name}={value}" for name, value in values.items())
        self._say(f"[sweep] trial {trial.number} ({launched + 1}/{definition.budget}) {task_id}: {shown}")
        return True

    def _tell_ended(self, study: optuna.Study, journal: SweepJournal, definition: SweepDefinition,
                    trials: list[TrialRow]) -> None:
        for trial in trials:
            if trial.state != "running" or trial.task_status in WAITING:
                continue
            value = self.core.sweeps.objective(trial.task_id, definition) \
                if trial.task_status == Status.COMPLETED else None
            if value is not None and definition.prune:
                # Points the rounds did not see while it ran (a short trial's come in at its end): pruning
                # compares a running trial with the completed ones' points at the same step.
                self._report_points(study, definition, trial)
            if value is None:
                study.tell(trial.number, state=TrialState.FAIL, skip_if_finished=True)
            else:
                study.tell(trial.number, value, skip_if_finished=True)
            pending = journal.take_pending()
            self.core.sweeps.record_outcome(self.task_id, trial.task_id, "failed" if value is None else "complete",
                                            value, pending)
            journal.written(len(pending))
            self._say(self._outcome_line(definition, trial, value))

    def _outcome_line(self, definition: SweepDefinition, trial: TrialRow, value: float | None) -> str:
        if value is None:
            why = trial.task_status or "deleted"
            if trial.task_status == Status.COMPLETED:
                why = f"completed without reporting {definition.objective.label}"
            return f"[sweep] trial {trial.number} {trial.task_id}: failed ({why})"
        better = (self._best is None or (value < self._best if definition.objective.goal == "min"
                                         else value > self._best))
        if better:
            self._best = value
        return f"[sweep] trial {trial.number} {trial.task_id}: {definition.objective.label} = {value:g}" + \
            (" (best so far)" if better else "")

    def _prune(self, study: optuna.Study, journal: SweepJournal, definition: SweepDefinition,
               waiting: list[TrialRow]) -> None:
        """Tell the search each running trial's new points of the objective; abort one it judges behind."""
        for trial in waiting:
            if trial.state != "running" or trial.task_status != Status.RUNNING:
                continue
            live, points = self._report_points(study, definition, trial)
            if not points or not live.should_prune():
                continue
            study.tell(trial.number, state=TrialState.PRUNED)
            pending = journal.take_pending()
            self.core.sweeps.prune_trial(self.task_id, trial.task_id, points[-1][1], pending)
            journal.written(len(pending))
            self._say(f"[sweep] trial {trial.number} {trial.task_id}: pruned at step {points[-1][0]} "
                      f"({definition.objective.label} = {points[-1][1]:g})")

    def _report_points(self, study: optuna.Study, definition: SweepDefinition,
                       trial: TrialRow) -> tuple[optuna.trial.Trial, list[tuple[int, float]]]:
        """Tell the search the trial's points of the objective it has not been told yet; those points."""
        live, seen = self._live_trial(study, trial.number)
        points = self.core.sweeps.progress(trial.task_id, definition, seen)
        for step, value in points:
            live.report(value, step)
        if points:
            self._live[trial.number] = (live, points[-1][0])
        return live, points

    def _live_trial(self, study: optuna.Study, number: int) -> tuple[optuna.trial.Trial, int]:
        if number not in self._live:
            frozen = study.trials[number]  # one study per journal: numbers are the list's indexes
            # The steps told before a restart are in the study already; Optuna warns of a step told twice.
            seen = max(frozen.intermediate_values, default=-1)
            self._live[number] = (optuna.trial.Trial(study, frozen._trial_id), seen)
        return self._live[number]

    def _check_trial_times(self, definition: SweepDefinition, waiting: list[TrialRow]) -> None:
        if definition.trial_time is None:
            return
        now = time.time()
        for trial in waiting:
            if trial.task_status == Status.RUNNING and trial.started is not None:
                # SQLite gives the stored UTC time back without its zone.
                started = (trial.started if trial.started.tzinfo else trial.started.replace(tzinfo=UTC)).timestamp()
                if now - started > definition.trial_time:
                    self.core.sweeps.abort_trial(trial.task_id, f"trial time of {definition.trial_time:g} s exceeded")

    def _end(self, completed: bool) -> None:
        summary = self.core.task_json(self.task_id).get("sweep") or {}
        self._say(f"[sweep] ended: best trial {summary.get('best')} with {summary.get('best_objective')}")
        self._write_lines()
        if completed and not self.stopping:
            self._finish(lambda: self.core.lifecycle.complete(self.task_id, exit_code=0))
        else:
            self._finish(lambda: self.core.lifecycle.mark_aborted(self.task_id))

    def _finish(self, report: Callable[[], None]) -> None:
        self.ending = True
        try:
            retry_while_disconnected(report, f"sweep {self.task_id}: its final status")
        except InvalidTransition as exc:
            log.warning("sweep %s already finished elsewhere: %s", self.task_id, exc)
