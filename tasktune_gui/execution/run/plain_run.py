"""A script run by hand (no worker): `sdk.init` hands over to this, which records it as a task in the local
database and reports there. Here rather than in the SDK, which under a worker imports nothing of ours."""

from __future__ import annotations

import atexit
import io
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from tasktune_gui.core.api import Core
from tasktune_gui.core.capture import capture
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.execution.run.sdk_channel import store_event

FLUSH_S = 0.5  # console lines reach the database at most this late


class ConsoleTee(io.TextIOBase):
    """Writes through to the terminal and keeps whole lines for the task's console."""

    def __init__(self, original: TextIO, stream: str, sink: list[tuple[str, str]], lock: threading.Lock) -> None:
        self.original = original
        self.stream = stream
        self.sink = sink
        self.lock = lock
        self.partial = ""

    def write(self, text: str) -> int:
        written = self.original.write(text)
        with self.lock:
            *whole, self.partial = (self.partial + text).split("\n")
            self.sink.extend((self.stream, line.rsplit("\r", 1)[-1]) for line in whole)
        return written

    def flush(self) -> None:
        self.original.flush()

    def isatty(self) -> bool:
        return self.original.isatty()

    def fileno(self) -> int:
        return self.original.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.original.encoding


class PlainRun:
    """The task a plain run created, with the core to report to; finished when the interpreter exits."""

    def __init__(self, project: str, name: str) -> None:
        self.core = Core.open()
        script = Path(sys.argv[0]).resolve()
        found = capture(str(script), cwd=script.parent, args=sys.argv[1:])
        task = Task(id="", name=name, repository=found.repository, branch=found.branch, commit=found.commit,
                    entry_point=found.entry_point, working_dir=found.working_dir, diff=found.diff,
                    requirements=found.requirements, original_requirements=found.requirements)
        self.task_id = self.core.tasks.add(task, project, hyperparameters=found.hyperparameters(),
                                           configuration=found.parameters.configuration)
        self.core.lifecycle.run_direct(self.task_id, host=socket.gethostname(), pid=os.getpid())
        self._failed = False
        previous = sys.excepthook

        def on_uncaught(kind: type[BaseException], error: BaseException, trace: Any) -> None:
            self._failed = True
            self.core.lifecycle.fail(self.task_id, f"uncaught {kind.__name__}", str(error), exit_code=1)
            previous(kind, error, trace)

        sys.excepthook = on_uncaught
        self._lines: list[tuple[str, str]] = []
        self._lines_lock = threading.Lock()
        self._stop = threading.Event()
        self._tees = (ConsoleTee(sys.stdout, "stdout", self._lines, self._lines_lock),
                      ConsoleTee(sys.stderr, "stderr", self._lines, self._lines_lock))
        sys.stdout, sys.stderr = self._tees
        self._flusher = threading.Thread(target=self._flush_loop, name="tasktune-console", daemon=True)
        self._flusher.start()
        atexit.register(self.finish)

    def _flush_loop(self) -> None:
        while not self._stop.wait(FLUSH_S):
            self.flush_console()

    def flush_console(self) -> None:
        with self._lines_lock:
            batch, self._lines[:] = list(self._lines), []
        if batch:
            self.core.results.append_console(self.task_id, batch)

    def record_section(self, name: str, values: dict[str, Any]) -> None:
        """What `connect` saw, so the task can be cloned and run again with the same values."""
        typed = {key: (_as_text(value), type(value).__name__ if value is not None else "") for key, value in
                 values.items()}
        self.core.editor.record_script_section(self.task_id, name, typed)

    def handle(self, event: dict[str, Any]) -> None:
        if event["kind"] == "scalar":
            self.core.results.report_scalars(self.task_id, [ScalarPoint(
                event["title"], event["series"], event["iteration"], event["value"])])
        elif event["kind"] == "text":
            self.core.results.append_console(self.task_id, [("stdout", event["text"])])
        else:
            store_event(self.core, self.task_id, event)

    def finish(self) -> None:
        self._stop.set()
        for tee in self._tees:
            if tee.partial:  # a last line without its newline
                self._lines.append((tee.stream, tee.partial))
                tee.partial = ""
        sys.stdout, sys.stderr = self._tees[0].original, self._tees[1].original
        self.flush_console()
        if not self._failed and self.core.tasks.get(self.task_id).status == "running":
            self.core.lifecycle.complete(self.task_id)
        self.core.close()


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
