"""Item 2: nothing a task started outlives it, even a grandchild that left its session (double fork + setsid)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.local import run_scope
from tasktune_gui.execution.local.run_scope import RUN_MARKER, RunScope, cgroup_root
from tasktune_gui.execution.local.runner import ProcessRun
from tasktune_gui.execution.run.launch import Command
from tasktune_gui.execution.worker.worker import Worker
from tests.support.components import require_component
from tests.support.git import commit_files
from tests.support.processes import gone
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for

# The grandchild leaves the session, ignores SIGTERM (only the SIGKILL after the grace ends it) and says its pid;
# the script itself exits 0 at once.
DAEMON_SCRIPT = """\
import os, signal, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("daemon", os.getpid(), flush=True)
        while True:
            time.sleep(60)
    os._exit(0)
os.wait()
time.sleep(0.3)  # the daemon has said its pid
"""


@pytest.fixture
def daemon_repo(repo: Path) -> Path:
    return commit_files(repo, {"daemon.py": DAEMON_SCRIPT}, "a script that leaves a daemon")


def test_a_completed_tasks_detached_grandchild_is_ended(sqlite_core: Core, quick_worker: Worker,
                                                        daemon_repo: Path) -> None:
    task_id = add_task(sqlite_core, daemon_repo, entry_point="daemon.py")
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "completed", what="the task's end")
    console = [line.text for line in sqlite_core.results.console(task_id, setup=True)]
    daemon = int(next(text for text in console if text.startswith("daemon ")).split()[1])
    assert gone(daemon)
    assert any("left 1 process(es) running" in text for text in console)
    assert any(f"pid {daemon}:" in text and "killed after 1 s" in text for text in console)


@pytest.mark.parametrize("use_cgroup", [True, False], ids=["cgroup", "marker-scan"])
def test_both_ways_of_tracking_end_the_daemon(tmp_path: Path, use_cgroup: bool) -> None:
    if use_cgroup:
        require_component("a writable cgroup v2", cgroup_root() is not None, "run as root, or with delegation")
    (tmp_path / "daemon.py").write_text(DAEMON_SCRIPT)
    lines: list[tuple[str, str]] = []
    scope = RunScope(use_cgroup=use_cgroup)
    assert (scope.cgroup is not None) == use_cgroup
    run = ProcessRun(Command([sys.executable, "daemon.py"], tmp_path, {"PATH": "/usr/bin:/bin"}), lines.extend,
                     grace=0.5, scope=scope)
    outcome = run.wait()
    daemon = int(next(text for _, text in lines if text.startswith("daemon ")).split()[1])
    assert outcome.exit_code == 0 and not outcome.stopped
    assert len(outcome.left_running) == 1 and f"pid {daemon}:" in outcome.left_running[0]
    assert gone(daemon)
    if scope.cgroup is not None:
        assert (scope.cgroup / "cgroup.procs").read_text() == ""  # empty, kept for the next run


def test_a_daemon_forked_before_the_cgroup_took_the_run_is_still_ended(tmp_path: Path) -> None:
    # Under load the first process can fork before `adopt` moves it: what it forked stays outside the cgroup.
    scope = RunScope()
    require_component("a writable cgroup v2", scope.cgroup is not None, "run as root, or with delegation")
    (tmp_path / "daemon.py").write_text(DAEMON_SCRIPT)
    process = subprocess.Popen([sys.executable, "daemon.py"], cwd=tmp_path, stdout=subprocess.PIPE, text=True,
                               env=scope.environment({"PATH": "/usr/bin:/bin"}))
    assert process.stdout is not None
    daemon = int(process.stdout.readline().split()[1])
    scope.adopt(process.pid)  # late: the daemon is already out
    process.wait()
    process.stdout.close()
    ended = scope.end(0.5)
    scope.close()
    assert len(ended) == 1 and f"pid {daemon}:" in ended[0]
    assert gone(daemon)


def test_a_command_that_cannot_start_gives_its_cgroup_back(tmp_path: Path) -> None:
    scope = RunScope()
    require_component("a writable cgroup v2", scope.cgroup is not None, "run as root, or with delegation")
    with pytest.raises(FileNotFoundError):
        ProcessRun(Command([str(tmp_path / "missing")], tmp_path, {}), lambda batch: None, scope=scope)
    following = RunScope()
    following.close()
    assert following.cgroup == scope.cgroup


def test_runs_reuse_their_cgroups_and_the_process_removes_them_at_its_exit() -> None:
    # A cgroup's mkdir and rmdir wait for the kernel (10-20 ms for a tenth of the runs here): made once per slot.
    require_component("a writable cgroup v2", cgroup_root() is not None, "run as root, or with delegation")
    script = ("from tasktune_gui.execution.local.run_scope import RunScope\n"
              "first = RunScope(); first.close(); second = RunScope(); second.close()\n"
              "print(first.cgroup, second.cgroup)\n")
    first, second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                   check=True).stdout.split()
    assert first == second
    assert not Path(first).exists()


@contextlib.contextmanager
def sleeper(env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """A sleeping Python that has said it runs: Popen returns when exec has begun, and until the kernel has laid
    out the new program's environment, /proc/PID/environ reads empty (this raced on a loaded CI machine)."""
    with subprocess.Popen([sys.executable, "-c", "print('up', flush=True); import time; time.sleep(60)"],
                          env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None and process.stdout.readline() == "up\n"
            yield process
        finally:
            process.kill()


@pytest.mark.parametrize("short_run_s", [60.0, 0.0], ids=["short-run", "long-run"])
def test_a_short_runs_marker_scan_reads_only_processes_newer_than_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short_run_s: float) -> None:
    # A process older than the run cannot be one of its own: a short run reads only the newer ones' environments
    # (a lab machine has a thousand processes); a long one reads all, since a pid may have been reused meanwhile.
    monkeypatch.setattr(run_scope, "SHORT_RUN_S", short_run_s)
    with sleeper({RUN_MARKER: "0123456789abcdef"}) as older:
        scope = RunScope(use_cgroup=False)
        scope.marker = "0123456789abcdef"  # as if it carried the run's marker
        with sleeper(scope.environment({})) as newer:
            found = {process.pid for process in scope.members()}
    assert newer.pid in found
    assert (older.pid in found) == (short_run_s == 0.0)
