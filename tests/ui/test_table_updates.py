"""The task table under a burst of changes: one recount for many new tasks, rows right in the end."""

from __future__ import annotations

import subprocess
import sys
import threading

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from tasktune_gui.core.events import Change
from tasktune_gui.core.models import Task
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.tasks.task_table_model import TaskTableModel
from tasktune_gui.ui.window.main_window import MainWindow


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
    add_task_in_another_process(sqlite_url)
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 1, timeout=5000)
    assert readers and threading.main_thread().name not in readers


def test_another_processs_commit_to_the_sqlite_file_shows_without_the_safety_poll(
        window: MainWindow, qtbot: QtBot, sqlite_url: str) -> None:
    window.open_project(None)
    before = window.model.rowCount()
    follower = window.follower
    qtbot.waitUntil(lambda: follower.listening)  # from its first poll on
    follower.timer.stop()  # only the watch on the file's folder can bring the change now
    add_task_in_another_process(sqlite_url)
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 1, timeout=10000)


def add_task_in_another_process(url: str) -> None:
    """Another process's write (a second Core has its own origin): only the feed brings it to this window."""
    script = ("import sys; from tasktune_gui.core.api import Core; from tasktune_gui.core.models import Task\n"
              "core = Core.open(sys.argv[1])\n"
              "core.tasks.add(Task(id='', name='from elsewhere', repository='/r', entry_point='t.py'), 'Demo')\n"
              "core.close()\n")
    subprocess.run([sys.executable, "-c", script, url], check=True)


def test_new_tasks_keep_the_selection_and_the_scroll_on_their_tasks(window: MainWindow, qtbot: QtBot) -> None:
    core = window.core
    for n in range(300):
        core.tasks.add(Task(id="", name=f"run {n}", repository="/r", entry_point="t.py"), "Sweep")
    window.open_project("Sweep")
    table, model = window.tasks_page.table, window.model
    qtbot.waitUntil(lambda: model.rowCount() == 300)
    table.scrollTo(model.index(100, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    table.selectRow(120)
    table.selectionModel().select(model.index(121, 0), QItemSelectionModel.SelectionFlag.Select
                                  | QItemSelectionModel.SelectionFlag.Rows)
    top_id = model.task_id(table.rowAt(0))  # selecting scrolled the row into view
    assert table.rowAt(0) > 0
    chosen = window.tasks_page.selected_ids()
    for n in range(5):  # newest first: they come in above the selection and push it down five rows
        core.tasks.add(Task(id="", name=f"late {n}", repository="/r", entry_point="t.py"), "Sweep")
    qtbot.waitUntil(lambda: model.rowCount() == 305)
    assert window.tasks_page.selected_ids() == chosen
    assert window.tasks_page.current_id() == chosen[0]
    assert model.task_id(table.rowAt(0)) == top_id
    # At the very top the view stays there, so what arrives first in the order shows.
    table.scrollToTop()
    core.tasks.add(Task(id="", name="newest", repository="/r", entry_point="t.py"), "Sweep")
    qtbot.waitUntil(lambda: model.rowCount() == 306)
    assert table.rowAt(0) == 0 and model.row(0).task.name == "newest"
    assert window.tasks_page.selected_ids() == chosen
