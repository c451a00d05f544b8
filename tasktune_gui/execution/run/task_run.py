"""One task from Running to its end, on whichever backend runs it: one path from the workspace to the final status."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition, RefusedWrite, TaskTuneError
from tasktune_gui.core.results import SETUP_STREAM, ClosingLines
from tasktune_gui.core.retry import retry_while_disconnected
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.backend import Backend, Outcome, RunContext, RunningTask, RunSettings
from tasktune_gui.execution.run.console_spool import ConsoleSpool
from tasktune_gui.execution.run.launch import TaskSnapshot, read_snapshot
from tasktune_gui.execution.run.run_folders import REMOVER
from tasktune_gui.execution.run.sdk_channel import EventsReader
from tasktune_gui.execution.run.setup_log import SetupLog, prefixed
from tasktune_gui.execution.stores.buckets import StoreError, check_destination, is_remote, saved_endpoints

log = logging.getLogger(__name__)
MESSAGE_LINES = 10
PID_RECORD_DELAY_S = 0.2  # a task still running after this long has its pid recorded at once
BOUND_QUEUE_MODE = "ssh"  # a task of a queue bound to a host runs there, whatever the worker's own mode


class TaskRun:
    """Runs one task already marked Running by pop; `request_stop` aborts it from another thread."""

    def __init__(self, core: Core, task_id: str, settings: RunSettings) -> None:
        self.core = core
        self.task_id = task_id
        self.settings = settings
        self._lock = threading.Lock()
        self._backend: Backend | None = None
        self._running: RunningTask | None = None
        self._stop_reason: str | None = None
        self.ending = False
        self._spool: ConsoleSpool | None = None
        self._closing: ClosingLines | None = None  # the run's last lines, written with its final status
        self._in_use = contextlib.ExitStack()  # what the run uses (environment, model), kept until its end

    def request_stop(self, reason: str) -> None:
        """Abort: before the start nothing is launched; during the run the whole tree is stopped."""
        with self._lock:
            if self._stop_reason is None:
                self._stop_reason = reason
            backend, running = self._backend, self._running
        if running is not None:
            running.stop(self.settings.abort_grace)
        elif backend is not None:
            backend.stop(self.settings.abort_grace)

    @property
    def stopping(self) -> bool:
        with self._lock:
            return self._stop_reason is not None

    def run(self) -> None:
        run_dir = self.settings.runs_dir / self.task_id
        try:
            self._run(run_dir)
        except StepFailed as exc:
            self._finish_failed(exc.reason, exc.detail)
        except TaskTuneError as exc:
            self._finish_failed("worker error", str(exc))
        except Exception as exc:  # never leave the task Running because of a bug here
            log.exception("task %s failed in the worker", self.task_id)
            self._finish_failed("worker error", f"{type(exc).__name__}: {exc}")
        finally:
            self._in_use.close()
            if not self.settings.keep_workspace:  # moved aside now, deleted while the slot runs its next task
                REMOVER.remove(run_dir)

    def _run(self, run_dir: Path) -> None:
        snapshot = self._prepare_stores(read_snapshot(self.core, self.task_id))
        run_dir.mkdir(parents=True, exist_ok=True)
        # The console waits in the spool while the database is unreachable, then goes in, in order.
        spool = self._spool = ConsoleSpool(self.core.results, self.task_id, run_dir / "console.spool")
        setup = SetupLog(lambda step: self.core.lifecycle.record_setup_step(self.task_id, step), spool)
        mode = BOUND_QUEUE_MODE if snapshot.binding is not None else self.settings.mode
        context = RunContext(self.core, snapshot, self.settings, run_dir, spool, self._in_use)
        backend = self.settings.backends.create(mode, context)
        with self._lock:
            self._backend = backend
        try:
            self._run_on(backend, snapshot, spool, setup)
        finally:
            leftover = setup.close()  # lines of a setup that failed, or of a run that never started
            if leftover:
                spool(leftover)
            backend.close()

    def _run_on(self, backend: Backend, snapshot: TaskSnapshot, spool: ConsoleSpool, setup: SetupLog) -> None:
        """The one run path: workspace, preparation, start, the wait, and the final status."""
        commit = backend.workspace(setup)
        if not snapshot.source.commit and not snapshot.source.tag:  # a branch head (or HEAD) as resolved now
            self.core.lifecycle.record_runtime(self.task_id, commit=commit)
        if not self.stopping:
            backend.prepare(setup)
        if self.stopping:
            self._finish(lambda: self.core.lifecycle.mark_aborted(self.task_id))
            return
        with setup.step("start"):
            backend.launch()
        # The setup's lines go in with the task's first output: one insert for both.
        sink, unwritten = prefixed(spool, setup.close())
        running = backend.start(sink)
        with self._lock:
            self._running = running
        # Followed by a thread only once the task outlives the pid delay: a short task's events are read at its end.
        events = EventsReader(self.core, self.task_id, running.events, follow=False, console=spool) \
            if running.events is not None else None
        pid = running.pid
        try:
            # A short task's pid goes in with its end: one write fewer per task.
            if not running.ended_within(PID_RECORD_DELAY_S):
                if events is not None:
                    events.follow()
                self._record_start(running)
                pid = None
            if self.stopping:  # a stop that raced with the start
                running.stop(self.settings.abort_grace)
            outcome = running.wait()
        finally:
            if events is not None:
                events.close()
        backend.close()  # a container removed, a host's run folder gone, before the status says the run is over
        closing = unwritten()  # a task that printed nothing: the setup's lines
        if outcome.left_running:  # the worker's lines, beside the setup's: `tasktune log` shows only the task's
            left = outcome.left_running
            closing += [(SETUP_STREAM, f"[tasktune] the task left {len(left)} process(es) running; ended:")]
            closing += [(SETUP_STREAM, f"[tasktune]   {text}") for text in left]
        spool.drain()  # every line is in before the final status says the run is over
        if closing:  # with the final status, in its transaction: a short task's end is one write, not two
            self._closing = ClosingLines(spool.stamp(), tuple(closing))
        self._report(outcome, pid)

    def _record_start(self, running: RunningTask) -> None:
        pid, host = running.pid, running.host
        if pid is None:
            return
        record = (lambda: self.core.lifecycle.record_runtime(self.task_id, pid=pid, host=host)) if host else \
            (lambda: self.core.lifecycle.record_runtime(self.task_id, pid=pid))
        retry_while_disconnected(record, f"task {self.task_id}: recording its pid")

    def _prepare_stores(self, snapshot: TaskSnapshot) -> TaskSnapshot:
        """Before any other step (every backend): a bucket destination must take a write, and a bucket's input
        model comes into the model cache, so a task that cannot keep or read its files fails at once."""
        if not is_remote(snapshot.output_uri) and not is_remote(snapshot.input_model_uri):
            return snapshot
        endpoints = saved_endpoints()
        if is_remote(snapshot.output_uri):
            try:
                check_destination(snapshot.output_uri, endpoints)
            except StoreError as exc:
                raise StepFailed(f"output destination: {exc.reason}", exc.detail) from exc
        if is_remote(snapshot.input_model_uri):
            try:
                model = self.settings.model_cache.fetch(snapshot.input_model_uri, snapshot.input_model_hash,
                                                        endpoints, self._in_use)
            except StoreError as exc:
                raise StepFailed(f"input model: {exc.reason}", exc.detail) from exc
            snapshot = dataclasses.replace(snapshot, input_model_uri=str(model))
        return snapshot

    def _report(self, outcome: Outcome, pid: int | None = None) -> None:
        lifecycle, closing = self.core.lifecycle, self._closing
        if outcome.stopped:
            self._finish(lambda: lifecycle.mark_aborted(self.task_id, exit_code=outcome.exit_code, pid=pid,
                                                        closing=closing))
        elif outcome.exit_code == 0:
            self._finish(lambda: lifecycle.complete(self.task_id, exit_code=0, pid=pid, closing=closing))
        else:
            message = "\n".join(outcome.last_stderr[-MESSAGE_LINES:])
            reason = f"exit code {outcome.exit_code}"
            self._finish(lambda: lifecycle.fail(self.task_id, reason, message, outcome.exit_code, pid=pid,
                                                closing=closing))

    def _finish_failed(self, reason: str, detail: str) -> None:
        if self.stopping:  # an abort during preparation wins over the step it interrupted
            self._finish(lambda: self.core.lifecycle.mark_aborted(self.task_id, closing=self._closing))
            return
        self._finish(lambda: self.core.lifecycle.fail(self.task_id, reason, detail[-4000:], closing=self._closing))

    def _finish(self, report: Callable[[], None]) -> None:
        self.ending = True  # before the write: the monitor need not ask whether an ending run was aborted
        try:
            retry_while_disconnected(report, f"task {self.task_id}: its final status")
        except RefusedWrite as exc:  # a lab's rules: not this login's run (another claimed it meanwhile)
            log.error("task %s: %s", self.task_id, exc)
            self._closing_alone()
        except InvalidTransition as exc:
            # The watchdog or a person moved it on meanwhile; their word stands.
            log.warning("task %s already finished elsewhere: %s", self.task_id, exc)
            self._closing_alone()

    def _closing_alone(self) -> None:
        """The run's last lines when its final status was not written with them: refused, or written by a
        first try whose answer was lost (then the lines went in with it)."""
        closing, spool = self._closing, self._spool
        if closing is None or spool is None:
            return
        self._closing = None
        try:
            if not self.core.results.console_batch_stored(self.task_id, closing.at, len(closing.lines)):
                spool(list(closing.lines))
                spool.drain()
        except Exception:  # the console is a courtesy here: the task has ended either way
            log.warning("task %s: its last console lines not stored", self.task_id, exc_info=True)
