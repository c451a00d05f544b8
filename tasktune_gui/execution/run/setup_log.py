"""A run's setup as it happens: a console line per step with its duration, the installer's own lines, and the
step a slow setup is in written on the task (the window shows "Running · environment 0:34")."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

from tasktune_gui.core.results import SETUP_STREAM
from tasktune_gui.execution.run.console import BatchSink, Line
from tasktune_gui.execution.run.process_thread import ProcessThread

log = logging.getLogger(__name__)
PREFIX = "[setup] "
# A step shorter than this is never written on the task, and its lines go in with the task's first output:
# a run whose setup is all cached costs no write more than before.
SLOW_S = 0.5
FLUSH_S = 0.1  # once the setup is slow, its lines reach the console this often


def step_line(step: str, seconds: float, failed: bool = False) -> str:
    return f"{PREFIX}{step} {'failed after ' if failed else ''}{seconds:.1f} s"


class SetupLog:
    """Steps are timed with `step(name)`; `output(line)` adds a line of a step's own tool (the installer).

    The process's setup watcher writes the current step on the task once it has lasted SLOW_S (`record(step)`),
    and from then on hands the lines to `sink` as they come. `close()` stops that, clears the step on the task if
    it was written, and returns the lines not yet handed over, for the caller to put before the task's own."""

    def __init__(self, record: Callable[[str], None], sink: BatchSink) -> None:
        self._record = record
        self._sink = sink
        self._lock = threading.Lock()
        self._ticking = threading.Lock()  # held by the watcher while it looks at this log
        self._lines: list[Line] = []
        self._step = ""
        self._since = 0.0
        self._shown = ""  # the step written on the task
        self._slow = False
        self._watched = False

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        begin = time.monotonic()
        with self._lock:
            self._step, self._since = name, begin
            watch, self._watched = not self._watched, True
        if watch:
            WATCHER.add(self)
        failed = True
        try:
            yield
            failed = False
        finally:
            with self._lock:
                self._lines.append((SETUP_STREAM, step_line(name, time.monotonic() - begin, failed)))
                self._step = ""

    def output(self, text: str) -> None:
        with self._lock:
            self._lines.append((SETUP_STREAM, f"{PREFIX}  {text}"))

    def close(self) -> list[Line]:
        WATCHER.remove(self)
        # A look under way ends first: nothing reaches the sink after this returns. Open again after, for the steps
        # that follow (a container's environment comes after its start).
        with self._ticking, self._lock:
            self._watched = False
        if self._shown:
            self._write_step("")
        with self._lock:
            lines, self._lines = self._lines, []
        return lines

    def tick(self) -> None:
        """The watcher's look: the step written on the task once it is slow, and from then on the lines."""
        with self._ticking:
            with self._lock:
                if not self._watched:  # closed since the watcher listed it
                    return
                if self._step and time.monotonic() - self._since >= SLOW_S:
                    self._slow = True
                wanted = self._step if self._slow and self._step else self._shown
                batch: list[Line] = []
                if self._slow:
                    batch, self._lines = self._lines, []
            if wanted != self._shown:
                self._write_step(wanted)
            if batch:
                try:
                    self._sink(batch)
                except Exception:  # the console is a courtesy here: the run goes on without these lines
                    log.warning("setup lines not stored", exc_info=True)

    def _write_step(self, step: str) -> None:
        try:
            self._record(step)
            self._shown = step
        except Exception:  # shown as it was: the run itself does not depend on it
            log.warning("setup step %r not recorded", step, exc_info=True)
            self._shown = step  # not tried again each tick


class SetupWatcher(ProcessThread):
    """One thread for every open setup log of the process, looking at each every FLUSH_S while any is open (a
    thread per run cost a short task more than its setup lines). Started with the first log, it lives as long
    as the process, asleep while no setup is under way."""

    def __init__(self) -> None:
        super().__init__("setup-watcher")
        self._logs: dict[SetupLog, None] = {}  # in the order they came

    def add(self, setup: SetupLog) -> None:
        with self._cond:
            self._logs[setup] = None
            self._wake()

    def remove(self, setup: SetupLog) -> None:
        with self._cond:
            self._logs.pop(setup, None)

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._logs))
                self._cond.wait(FLUSH_S)
                logs = list(self._logs)
            for setup in logs:
                try:
                    setup.tick()
                except Exception:  # one run's bad look must not end the others'
                    log.exception("setup watcher")


WATCHER = SetupWatcher()


def prefixed(sink: BatchSink, lines: list[Line]) -> tuple[BatchSink, Callable[[], list[Line]]]:
    """A sink that puts `lines` before the first batch it is given (one insert for both), and a call that
    takes them back if no batch came (a task that printed nothing), for the caller to write with its end."""
    waiting = [lines] if lines else []

    def write(batch: list[Line]) -> object:
        if waiting:
            batch = waiting.pop() + batch
        return sink(batch)

    def unwritten() -> list[Line]:
        return waiting.pop() if waiting else []

    return write, unwritten
