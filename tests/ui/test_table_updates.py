"""The task table under a burst of changes: one recount for many new tasks, rows right in the end."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Task
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.main_window import MainWindow
from tasktune_gui.ui.task_table_model import TaskTableModel


def test_a_burst_of_new_tasks_resets_the_table_once(window: MainWindow, qtbot: QtBot) -> None:
    window.core.projects.create("Burst")
    model = TaskTableModel(window.core, TaskQuery(project="Burst"))
    window.signals.changed.connect(model.on_change)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    for n in range(60):
        window.core.tasks.add(Task(id="", name=f"sweep {n}", repository="/r", entry_point="t.py"), "Burst")
    qtbot.waitUntil(lambda: model.rowCount() == 60)
    assert len(resets) <= 2, resets
