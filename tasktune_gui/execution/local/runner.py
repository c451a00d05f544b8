"""Running a task's command: a new session without a shell, console capture, and stopping on request."""

from __future__ import annotations

import os
import select
import subprocess
import threading
from pathlib import Path

import psutil

from tasktune_gui.execution.local.process_tree import descendants, kill_leftovers, terminate_tree
from tasktune_gui.execution.local.run_scope import RunScope
from tasktune_gui.execution.run.backend import Outcome
from tasktune_gui.execution.run.console import BatchSink, ConsoleCapture
from tasktune_gui.execution.run.launch import Command
from tasktune_gui.execution.run.sdk_channel import EVENTS_VARIABLE

TREE_SNAPSHOT_S = 0.5
PIPE_DRAIN_S = 5.0


class ProcessRun:
    """One started process; `stop()` may come from any thread, `wait()` from the one that owns the run."""

    def __init__(self, command: Command, sink: BatchSink, grace: float = 10.0, scope: RunScope | None = None) -> None:
        self.capture = ConsoleCapture(sink)
        # Every process the run starts, even one that leaves the session, is found and ended with it.
        self.scope = scope or RunScope()
        self._events = command.env.get(EVENTS_VARIABLE, "")
        self.host = ""  # this machine
        # argv list, no shell: every value reaches the script as it is written, whatever it contains.
        try:
            self.process = subprocess.Popen(
                command.argv,
                cwd=command.cwd,
                env=self.scope.environment(command.env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except BaseException:  # no process to follow: its cgroup goes too
            self.scope.close()
            raise
        self.scope.adopt(self.process.pid)
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self.capture.read({"stdout": self.process.stdout, "stderr": self.process.stderr})
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._grace = grace
        self._seen: dict[int, psutil.Process] = {}

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def events(self) -> Path | None:
        """The SDK's events file, when the command was made by build_command."""
        return Path(self._events) if self._events else None

    def ended_within(self, seconds: float) -> bool:
        """Whether the process exits within `seconds`; `wait()` still reports its end as usual."""
        # A pidfd turns readable at the exit, without reaping; Popen.wait(timeout) polls with sleeps growing
        # to 50 ms, which added up to 50 ms to every short task.
        try:
            pidfd = os.pidfd_open(self.pid)
        except OSError:  # the process is gone already (or a kernel before 5.3)
            return self.process.poll() is not None
        try:
            return bool(select.select([pidfd], [], [], seconds)[0])
        finally:
            os.close(pidfd)

    def stop(self, grace: float) -> None:
        self._grace = grace
        self._stop.set()
        self._wake.set()

    def _remember_tree(self) -> None:
        for process in descendants(self.pid):
            self._seen.setdefault(process.pid, process)

    def _wait_for_exit(self) -> None:
        self.process.wait()
        self._wake.set()

    def wait(self) -> Outcome:
        code = self.process.poll()
        stopped = False
        # A short task has ended already (`ended_within`): no helper thread to start. A stop asked for takes
        # the loop even then, so the run is reported as stopped.
        if code is None or self._stop.is_set():
            code, stopped = self._follow()
        # Nothing the run started outlives it (a detached daemon would keep its GPU): the same grace as abort.
        left_running = self.scope.end(self._grace)
        if not stopped:
            kill_leftovers(self.pid)
            for process in self._seen.values():
                try:
                    process.kill()
                except psutil.Error:
                    continue
        self.scope.close()
        self.capture.join_readers(PIPE_DRAIN_S)
        self.capture.close()
        return Outcome(code, stopped, list(self.capture.last_stderr), left_running)

    def _follow(self) -> tuple[int, bool]:
        """Until the exit: the tree remembered while it runs, stopped when asked; (exit code, stopped)."""
        # A helper blocks on the exit, so the end is noticed at once rather than on the next polling step.
        threading.Thread(target=self._wait_for_exit, name=f"wait-{self.pid}", daemon=True).start()
        stopped = False
        while True:
            self._wake.wait(TREE_SNAPSHOT_S)
            self._wake.clear()
            if self._stop.is_set() and not stopped:
                self._remember_tree()
                terminate_tree(self.pid, self._grace, list(self._seen.values()))
                stopped = True
            code = self.process.poll()
            if code is not None:
                return code, stopped
            # Orphans are reparented away once their parent exits; remember them while they are ours.
            self._remember_tree()
