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

    A helper thread writes the current step on the task once it has lasted SLOW_S (`record(step)`), and from
    then on hands the lines to `sink` as they come. `close()` stops it, clears the step on the task if it was
    written, and returns the lines not yet handed over, for the caller to put before the task's own."""

    def __init__(self, record: Callable[[str], None], sink: BatchSink) -> None:
        self._record = record
        self._sink = sink
        self._cond = threading.Condition()
        self._lines: list[Line] = []
        self._step = ""
        self._since = 0.0
        self._shown = ""  # the step written on the task
        self._slow = False
        self._closed = False
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        begin = time.monotonic()
        with self._cond:
            self._step, self._since = name, begin
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="setup-log", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        failed = True
        try:
            yield
            failed = False
        finally:
            with self._cond:
                self._lines.append((SETUP_STREAM, step_line(name, time.monotonic() - begin, failed)))
                self._step = ""
                self._cond.notify_all()

    def output(self, text: str) -> None:
        with self._cond:
            self._lines.append((SETUP_STREAM, f"{PREFIX}  {text}"))

    def close(self) -> list[Line]:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
        with self._cond:  # open again for the steps that follow (a container's environment comes after its start)
            self._thread, self._closed = None, False
        if self._shown:
            self._write_step("")
        lines, self._lines = self._lines, []
        return lines

    def _watch(self) -> None:
        while True:
            with self._cond:
                if self._closed:
                    return
                self._cond.wait(FLUSH_S)
                if self._closed:
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


def prefixed(sink: BatchSink, lines: list[Line]) -> tuple[BatchSink, Callable[[], None]]:
    """A sink that puts `lines` before the first batch it is given (one insert for both), and a call that
    writes them alone if no batch came (a task that printed nothing)."""
    waiting = [lines] if lines else []

    def write(batch: list[Line]) -> object:
        if waiting:
            batch = waiting.pop() + batch
        return sink(batch)

    def rest() -> None:
        if waiting:
            sink(waiting.pop())

    return write, rest
