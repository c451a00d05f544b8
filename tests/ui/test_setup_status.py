"""A running task still in its setup reads "Running · environment 0:34" in the table and in INFO, counting."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Task
from tasktune_gui.ui.tasks.task_table_model import COLUMNS
from tasktune_gui.ui.window.main_window import MainWindow
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
