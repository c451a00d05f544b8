"""A run's setup shows as it happens: each step on the console with its duration, the installer's own lines while
it works, and the step a slow setup is in on the task (what the window shows in the row and in INFO)."""

from __future__ import annotations

import contextlib
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import event

from tasktune_gui.core.api import Core
from tasktune_gui.core.results import SETUP_STREAM
from tasktune_gui.execution.run.setup_log import SetupLog
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for, wait_until
from tests.support.wheels import build_wheel

# A build backend in the package's own folder (no download) that builds only once the test opens its gate: the
# environment step then lasts exactly as long as the test needs to look at it.
GATED_BACKEND = '''\
import os, pathlib, time, zipfile

NAME, VERSION = "gatedpkg", "1.0"
DIST = f"{NAME}-{VERSION}.dist-info"
METADATA = f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n"
WHEEL = "Wheel-Version: 1.0\\nGenerator: tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(directory, config_settings=None):
    folder = pathlib.Path(directory) / DIST
    folder.mkdir()
    (folder / "METADATA").write_text(METADATA)
    (folder / "WHEEL").write_text(WHEEL)
    return DIST


def build_wheel(directory, config_settings=None, metadata_directory=None):
    gate = pathlib.Path(os.environ["GATE_FILE"])
    while not gate.exists():
        time.sleep(0.05)
    name = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(pathlib.Path(directory) / name, "w") as archive:
        archive.writestr(f"{NAME}/__init__.py", "VALUE = 'gated'\\n")
        archive.writestr(f"{DIST}/METADATA", METADATA)
        archive.writestr(f"{DIST}/WHEEL", WHEEL)
        archive.writestr(f"{DIST}/RECORD", "")
    return name
'''
PYPROJECT = '''\
[build-system]
requires = []
build-backend = "gated_backend"
backend-path = ["."]
'''
SETUP_LINE = re.compile(r"^\[setup\] (mirror|checkout|diff|environment|start) \d+\.\d s$")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_OFFLINE", "1")


def setup_lines(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id, setup=True) if line.stream == SETUP_STREAM]


def test_a_slow_environment_shows_its_step_and_the_installers_lines_as_it_works(
        sqlite_core: Core, worker: Worker, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = tmp_path / "gate"
    monkeypatch.setenv("GATE_FILE", str(gate))  # the worker's installer, and the build it runs, inherit it
    package = repo / "gatedpkg"
    package.mkdir()
    (package / "gated_backend.py").write_text(GATED_BACKEND)
    (package / "pyproject.toml").write_text(PYPROJECT)
    (repo / "use.py").write_text("import gatedpkg\nprint('value', gatedpkg.VALUE)\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "a package that builds when told")
    task_id = add_task(sqlite_core, repo, entry_point="use.py", requirements="./gatedpkg\n",
                       diff="diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n"
                            "@@ -0,0 +1 @@\n+uncommitted\n")

    # While the installer builds: the task says which step it is in, and since when.
    wait_for(sqlite_core, lambda: sqlite_core.task_json(task_id)["runtime"]["setup_step"] == "environment",
             timeout=60, what="the environment step on the task")
    runtime = sqlite_core.task_json(task_id)["runtime"]
    assert runtime["setup_started"] is not None and status(sqlite_core, task_id) == "running"
    # The steps before it are on the console already, each with its duration, and so is the installer's own
    # progress (uv without --quiet): what it resolved, before it is done.
    wait_for(sqlite_core, lambda: any("Resolved 1 package" in line for line in setup_lines(sqlite_core, task_id)),
             timeout=30, what="the installer's lines while it runs")
    before = setup_lines(sqlite_core, task_id)
    assert [line.split()[1] for line in before if SETUP_LINE.match(line)] == ["mirror", "checkout", "diff"]
    gate.touch()

    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), timeout=120, what="end")
    record = sqlite_core.task_json(task_id)
    assert record["status"] == "completed", record["status_message"]
    assert record["runtime"]["setup_step"] == "" and record["runtime"]["setup_started"] is None
    lines = setup_lines(sqlite_core, task_id)
    steps = [line.split()[1] for line in lines if SETUP_LINE.match(line)]
    assert steps == ["mirror", "checkout", "diff", "environment", "start"]
    environment = next(line for line in lines if line.startswith("[setup] environment "))
    assert float(environment.split()[2]) >= 0.5  # it waited for the gate
    assert any("gatedpkg" in line for line in lines[lines.index(before[-1]):])  # "+ gatedpkg==1.0"
    # The console in order: the setup, then the task's own output; `log` (console()) has only the task's.
    everything = [line.text for line in sqlite_core.results.console(task_id, setup=True)]
    assert everything[-1] == "value gated" and everything[:-1] == lines
    assert [line.text for line in sqlite_core.results.console(task_id)] == ["value gated"]


def test_a_cached_setup_writes_no_step_and_its_lines_come_with_the_first_output(
        sqlite_core: Core, worker: Worker, repo: Path) -> None:
    build_wheel(repo, "1.0")
    (repo / "requirements.txt").write_text("./tinypkg-1.0-py3-none-any.whl\n")
    (repo / "use.py").write_text("import tinypkg\nprint(tinypkg.VALUE)\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "package")
    first = add_task(sqlite_core, repo, entry_point="use.py")
    wait_for(sqlite_core, lambda: status(sqlite_core, first) in ("completed", "failed"), timeout=120, what="first")
    second = sqlite_core.tasks.clone(first)
    sqlite_core.lifecycle.enqueue(second, "default")
    wait_for(sqlite_core, lambda: status(sqlite_core, second) in ("completed", "failed"), timeout=120, what="second")
    assert status(sqlite_core, second) == "completed"
    lines = sqlite_core.results.console(second, setup=True)
    assert [line.text.split()[1] for line in lines[:-1]] == ["mirror", "checkout", "environment", "start"]
    assert lines[-1].text == "1.0"
    # All in one insert with the task's line: the same stamp (a batch's), no write more for a fast setup.
    assert len({line.time for line in lines}) == 1


def test_a_failed_step_says_so_on_the_console(sqlite_core: Core, worker: Worker, repo: Path) -> None:
    task_id = add_task(sqlite_core, repo, entry_point="use.py", requirements="./no-such-wheel-1.0-py3-none-any.whl\n")
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), timeout=120, what="end")
    record = sqlite_core.task_json(task_id)
    assert record["status"] == "failed" and record["status_reason"] == "failed creating environment"
    lines = setup_lines(sqlite_core, task_id)
    assert re.match(r"^\[setup\] environment failed after \d+\.\d s$", lines[-1])
    assert any("no-such-wheel" in line for line in lines[:-1])  # the installer's own words


@pytest.mark.slow  # a venv with pip of its own: about 5 s on an idle machine, 20 s on a busy one
def test_without_uv_pips_own_lines_come_as_it_installs(tmp_path: Path) -> None:
    import contextlib

    from tasktune_gui.execution.cache.environments import EnvironmentCache

    repo = tmp_path / "repo"
    repo.mkdir()
    build_wheel(repo, "1.0")
    lines: list[str] = []
    with contextlib.ExitStack() as hold:
        found = EnvironmentCache(tmp_path / "cache", uv="").prepare(
            "python3", "./tinypkg-1.0-py3-none-any.whl\n", repo, hold=hold, output=lines.append)
    assert found is not None and (found / "python").exists()
    assert any("Successfully installed tinypkg-1.0" in line for line in lines), lines


def test_a_task_that_prints_nothing_ends_in_one_write_with_its_setup_lines(
        sqlite_core: Core, worker: Worker, repo: Path) -> None:
    (repo / "quiet.py").write_text("pass\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "quiet")
    warm = add_task(sqlite_core, repo, entry_point="quiet.py")  # the mirror made once: every step is quick after
    wait_for(sqlite_core, lambda: status(sqlite_core, warm) in ("completed", "failed"), timeout=60, what="warm-up")
    commits: list[str] = []

    def committed(_connection: object) -> None:
        if threading.current_thread().name.startswith("slot-"):
            commits.append(threading.current_thread().name)

    event.listen(sqlite_core.store.write_engine, "commit", committed)
    try:
        # Pinned to its commit, as a captured or cloned task is (a branch head's commit is written at the start).
        task_id = add_task(sqlite_core, repo, entry_point="quiet.py", commit=git(repo, "rev-parse", "HEAD"))
        wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), timeout=60, what="end")
    finally:
        event.remove(sqlite_core.store.write_engine, "commit", committed)
    assert status(sqlite_core, task_id) == "completed"
    steps = [line.split()[1] for line in setup_lines(sqlite_core, task_id)]
    assert steps == ["mirror", "checkout", "environment", "start"]
    # The setup's lines went in with the final status: the run wrote once from its start to its end.
    assert len(commits) == 1


def test_the_last_lines_of_a_run_whose_end_was_written_elsewhere_still_go_in_once(
        sqlite_core: Core, worker: Worker, repo: Path, tmp_path: Path) -> None:
    started, gate = tmp_path / "started", tmp_path / "gate"
    (repo / "waits.py").write_text(f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\n"
                                   f"while not pathlib.Path({str(gate)!r}).exists():\n    time.sleep(0.02)\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "waits")
    task_id = add_task(sqlite_core, repo, entry_point="waits.py")
    wait_for(sqlite_core, started.exists, timeout=60, what="the task running")
    sqlite_core.lifecycle.fail(task_id, "ended by the test")  # as the watchdog does with a run it thinks lost
    gate.touch()
    wait_for(sqlite_core, lambda: any(line.startswith("[setup] start") for line in setup_lines(sqlite_core, task_id)),
             timeout=60, what="the setup's lines")
    assert status(sqlite_core, task_id) == "failed"  # the word of whoever ended it first stands
    steps = [line.split()[1] for line in setup_lines(sqlite_core, task_id) if SETUP_LINE.match(line)]
    assert steps == ["mirror", "checkout", "environment", "start"]


def test_every_runs_setup_is_watched_by_one_thread() -> None:
    recorded: list[str] = []
    written: list[list[tuple[str, str]]] = []
    logs = [SetupLog(recorded.append, written.append) for _ in range(3)]
    with contextlib.ExitStack() as steps:
        for log in logs:
            steps.enter_context(log.step("environment"))
        # Three slow setups at once, each written on its task by the one watcher the process has.
        wait_until(lambda: recorded == ["environment"] * 3, timeout=10, what="the three steps on their tasks")
        assert [thread.name for thread in threading.enumerate() if thread.name.startswith("setup-")] == [
            "setup-watcher"]
    left = [line for log in logs for line in log.close()]
    assert recorded == ["environment"] * 3 + [""] * 3  # each step cleared from its task at the end
    lines = left + [line for batch in written for line in batch]  # handed over by the watcher, or by close()
    assert sorted(text.split()[1] for _, text in lines) == ["environment"] * 3
