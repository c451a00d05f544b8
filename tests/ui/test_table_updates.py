"""The task table under a burst of changes: one recount for many new tasks, rows right in the end."""

from __future__ import annotations

import subprocess
import sys
import threading

from pytestqt.qtbot import QtBot

from tasktune_gui.core.events import Change
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


def test_changes_of_another_process_are_read_off_the_gui_thread(window: MainWindow, qtbot: QtBot,
                                                                 sqlite_url: str) -> None:
    window.open_project(None)
    before = window.model.rowCount()
    readers: list[str] = []
    original = window.follower.feed.read

    def spy(after: int, limit: int = 1000) -> list[tuple[int, str, Change]]:
        readers.append(threading.current_thread().name)
        return original(after, limit)

    window.follower.feed.read = spy  # type: ignore[method-assign]
    # Another process's write (a second Core has its own origin): only the feed brings it to this window.
    script = ("import sys; from tasktune_gui.core.api import Core; from tasktune_gui.core.models import Task\n"
              "core = Core.open(sys.argv[1])\n"
              "core.tasks.add(Task(id='', name='from elsewhere', repository='/r', entry_point='t.py'), 'Demo')\n"
              "core.close()\n")
    subprocess.run([sys.executable, "-c", script, sqlite_url], check=True)
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 1, timeout=5000)
    assert readers and threading.main_thread().name not in readers
