"""A running task still in its setup reads "Running · environment 0:34" in the table and in INFO, counting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Task
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.ui.common.durations import clock
from tasktune_gui.ui.common.setup_status import elapsed
from tasktune_gui.ui.tasks.task_table_model import COLUMNS, run_time
from tasktune_gui.ui.window.main_window import MainWindow
from tasktune_gui.ui.worker.tray import elapsed as tray_elapsed
from tests.ui.test_main_window import row_of
from tests.ui.test_task_page import open_task

STATUS = [c.field for c in COLUMNS].index("status")
IN_SETUP = re.compile(r"^Running · environment 0:(\d\d)$")


def test_the_setup_step_and_its_time_show_in_the_row_and_in_info(window: MainWindow, qtbot: QtBot) -> None:
    core = window.core
    core.queues.create("first-runs")
    task_id = core.tasks.add(Task(id="", name="first run", repository="/r", entry_point="t.py"), "Demo",
                             queue="first-runs")
    assert core.queues.pop(["first-runs"], worker="w1", host="h") == task_id
    core.lifecycle.record_setup_step(task_id, "environment")  # as the worker does once a step lasts
    open_task(qtbot, window, "first run")
    info = window.task_page.info
    assert re.search(r"^Setup: environment 0:\d\d$", info.text(), re.MULTILINE), info.text()

    def cell() -> str:
        return str(window.model.index(row_of(window, "first run"), STATUS).data())

    first = IN_SETUP.match(cell())
    assert first is not None, cell()
    # It counts on its own, without any change to the task.
    qtbot.waitUntil(lambda: (now := IN_SETUP.match(cell())) is not None and now[1] > first[1], timeout=5000)
    shown = re.search(r"^Setup: environment 0:(\d\d)$", info.text(), re.MULTILINE)
    assert shown is not None
    qtbot.waitUntil(lambda: (later := re.search(r"^Setup: environment 0:(\d\d)$", info.text(), re.MULTILINE))
                    is not None and later[1] > shown[1], timeout=5000)
    core.lifecycle.record_setup_step(task_id, "")  # the process runs
    qtbot.waitUntil(lambda: cell() == "Running")
    qtbot.waitUntil(lambda: "Setup:" not in info.text())


T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("seconds", "run", "setup"), [
    (0, "0:00:00", "0:00"),
    (34, "0:00:34", "0:34"),
    (3723, "1:02:03", "1:02:03"),  # the setup step reads m:ss until it passes an hour
    (26 * 3600 + 5, "26:00:05", "26:00:05"),
    (-5, "0:00:00", "0:00"),  # clocks a little apart never read negative
])
def test_times_read_the_same_in_table_info_and_tray(seconds: int, run: str, setup: str) -> None:
    end = T0 + timedelta(seconds=seconds)
    assert clock(T0, end) == clock(T0.replace(tzinfo=None), end) == run_time_of(T0, end) == tray_elapsed(T0, end) == run
    assert elapsed(T0, end) == setup


def run_time_of(started: datetime, completed: datetime) -> str:
    return run_time(Task(id="t", name="t", repository="/r", entry_point="t.py", started=started, completed=completed))


def test_why_slurm_holds_a_pending_task_shows_in_its_row(window: MainWindow, qtbot: QtBot) -> None:
    core = window.core
    core.queues.create("hpc")
    task_id = core.tasks.add(Task(id="", name="held", repository="/r", entry_point="t.py"), "Demo", queue="hpc")
    assert core.slurm.claim(["hpc"], "submitter") is None  # not a Slurm queue: nothing taken
    core.queues.bind("hpc", "", slurm=SlurmOptions("gpu"))
    assert core.slurm.claim(["hpc"], "submitter") is not None
    core.slurm.record_job(task_id, "4211")
    core.slurm.pending_reason(task_id, "Slurm: Priority (job 4211)")
    open_task(qtbot, window, "held")
    qtbot.waitUntil(lambda: window.model.index(row_of(window, "held"), STATUS).data()
                    == "Pending · Slurm: Priority (job 4211)")
    assert "Slurm: Priority (job 4211)" in window.task_page.info.text()
