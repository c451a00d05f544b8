"""Console capture: progress bars folded, every line kept at high rates, batches stored as they come."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.execution.local.runner import Command, ProcessRun
from tasktune_gui.execution.run.console import ConsoleCapture, fold_carriage_returns, store_time


def test_carriage_returns_fold_to_the_last_state() -> None:
    assert fold_carriage_returns("10%\r50%\r100%") == "100%"
    assert fold_carriage_returns("100%\r") == "100%"
    assert fold_carriage_returns("plain") == "plain"


def test_a_flood_of_lines_loses_none(sqlite_core: Core, tmp_path: Path) -> None:
    task_id = sqlite_core.tasks.add(Task(id="", name="flood"), "tests")
    script = (
        "import sys\n"
        "out = sys.stdout\n"
        "for i in range(200000): out.write(f'line {i}\\n')\n"
        "sys.stderr.write('a\\rb\\rdone\\n')\n"
    )
    command = Command([sys.executable, "-c", script], tmp_path, {"PATH": "/usr/bin:/bin"})
    run = ProcessRun(command, lambda batch: sqlite_core.results.append_console(task_id, batch))
    outcome = run.wait()
    assert outcome.exit_code == 0
    lines = []
    after = 0
    while batch := sqlite_core.results.console(task_id, after=after, limit=100_000):
        lines.extend(batch)
        after = batch[-1].id
    stdout = [line.text for line in lines if line.stream == "stdout"]
    assert stdout == [f"line {i}" for i in range(200000)]
    assert [line.text for line in lines if line.stream == "stderr"] == ["done"]
    assert outcome.last_stderr == ["done"]


def test_a_silent_task_is_read_by_one_thread_and_its_first_lines_start_the_writer(tmp_path: Path) -> None:
    # A thread's start waits for the GIL (up to 5 ms while the other slot runs Python): a no-op task starts one.
    go = tmp_path / "go"
    os.mkfifo(go)
    script = "import sys\nopen(sys.argv[1]).read()\nprint('out', end='')\nsys.stderr.write('err')\n"
    before = set(threading.enumerate())
    lines: list[tuple[str, str]] = []
    run = ProcessRun(Command([sys.executable, "-c", script, str(go)], tmp_path, {"PATH": "/usr/bin:/bin"}),
                     lines.extend)
    assert [thread.name for thread in set(threading.enumerate()) - before] == ["console-reader"]
    go.write_text("")  # the script prints its two unfinished lines and exits
    outcome = run.wait()
    assert outcome.exit_code == 0 and outcome.last_stderr == ["err"]
    assert sorted(lines) == [("stderr", "err"), ("stdout", "out")]


def test_a_runs_first_lines_are_stored_at_once_and_later_ones_gather() -> None:
    stored: list[list[tuple[str, str]]] = []
    arrived = threading.Event()

    def sink(batch: list[tuple[str, str]]) -> None:
        stored.append(batch)
        arrived.set()

    capture = ConsoleCapture(sink, interval=30.0)  # a gathering that would outlast the test
    capture.add("stdout", ["epoch 1"])
    assert arrived.wait(10)  # not after an interval: the window shows a run's first line as it comes
    capture.add("stdout", ["epoch 2"])
    capture.add("stderr", ["warning"])
    capture.close()  # the rest, gathered, in one batch
    assert stored == [[("stdout", "epoch 1")], [("stdout", "epoch 2"), ("stderr", "warning")]]


@pytest.mark.parametrize(("now", "stored_at", "due"), [
    (5.0, float("-inf"), 5.0),  # a run's first lines: at once
    (5.35, 5.2, 5.35),  # after a quiet interval: at once
    (5.25, 5.21, 5.3),  # soon after an insert: at the clock's next tick, not an interval after the insert
    (5.33, 5.26, 5.4),
])
def test_lines_after_an_insert_wait_for_a_clock_the_lines_do_not_set(now: float, stored_at: float,
                                                                       due: float) -> None:
    # Counting the interval from the last insert put a task printing every 50 ms on the batches' beat: every
    # other line came just after its batch left and waited a whole interval.
    assert store_time(now, stored_at, 0.1) == pytest.approx(due)


def test_batches_keep_order_and_time_on_every_database(core: Core) -> None:
    task_id = core.tasks.add(Task(id="", name="batches"), "tests")
    assert core.results.append_console(task_id, [("stdout", "a"), ("stderr", "b ü")]) == 2
    core.results.append_console(task_id, [("stdout", "c")])
    lines = core.results.console(task_id)
    assert [(line.stream, line.text) for line in lines] == [("stdout", "a"), ("stderr", "b ü"), ("stdout", "c")]
    assert lines[0].time.year >= 2024
