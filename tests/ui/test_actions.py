"""The action registry: an action declared once shows in the menu bar, the toolbar and the context menu, each
enabled where the core's status table allows it, and runs its own callback from any of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QToolButton
from pytestqt.qtbot import QtBot

from tasktune_gui.app import open_core
from tasktune_gui.core.status import Operation
from tasktune_gui.ui.common.actions import ActionContext, TaskAction
from tasktune_gui.ui.window.main_window import MainWindow
from tasktune_gui.ui.window.task_actions import TASK_ACTIONS
from tests.ui.test_main_window import context_menu, entries, open_demo, row_of, select_rows

ran: list[list[str]] = []


def mark(_context: ActionContext, task_ids: list[str]) -> None:
    ran.append(task_ids)


MARK = TaskAction("mark", "Mark", mark, Operation.RETRY, "Ctrl+Shift+K", toolbar=True)  # Failed tasks only


@pytest.fixture
def marked(qtbot: QtBot, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    built = MainWindow(open_core(sqlite_url), None, tmp_path / "window.ini", actions=(*TASK_ACTIONS, MARK))
    qtbot.addWidget(built)
    built.show()
    ran.clear()
    yield built
    built.close()
    built.core.close()


def in_task_menu(window: MainWindow) -> QAction:
    task_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Task")
    return next(a for a in task_menu.actions() if a.objectName() == "action_mark")


def toolbar_button(window: MainWindow) -> QToolButton:
    toolbar = window.findChild(QToolBar, "taskToolbar")
    button = toolbar.widgetForAction(window.qactions["mark"])
    assert isinstance(button, QToolButton)
    return button


def test_an_action_declared_once_is_in_every_menu_with_the_cores_enablement(marked: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, marked)
    select_rows(qtbot, marked, "baseline")  # Completed: the core allows no retry
    qtbot.waitUntil(lambda: not in_task_menu(marked).isEnabled())
    assert not toolbar_button(marked).isEnabled()
    assert entries(context_menu(marked))["menu_mark"] == ("Mark", False)

    select_rows(qtbot, marked, "baseline", "high learning rate")  # one of them Failed
    qtbot.waitUntil(lambda: in_task_menu(marked).isEnabled())
    assert toolbar_button(marked).isEnabled()
    assert entries(context_menu(marked))["menu_mark"] == ("Mark (1 of 2)", True)
    failed = marked.model.row(row_of(marked, "high learning rate")).task.id  # type: ignore[union-attr]

    qtbot.mouseClick(toolbar_button(marked), Qt.MouseButton.LeftButton)
    next(a for a in context_menu(marked).actions() if a.objectName() == "menu_mark").trigger()
    in_task_menu(marked).trigger()
    assert ran == [[failed]] * 3  # only the task it applies to, from each place


def test_enablement_follows_a_status_change_of_the_selected_task(marked: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, marked)
    select_rows(qtbot, marked, "high learning rate")
    qtbot.waitUntil(lambda: marked.qactions["retry"].isEnabled())
    assert marked.qactions["reset"].isEnabled()  # Failed: Reset too
    failed = marked.model.row(row_of(marked, "high learning rate")).task.id  # type: ignore[union-attr]
    marked.core.lifecycle.reset(failed)
    qtbot.waitUntil(lambda: not marked.qactions["retry"].isEnabled(), timeout=10_000)  # a Draft now
    assert marked.qactions["enqueue"].isEnabled() and marked.qactions["delete"].isEnabled()


def test_on_a_task_page_the_actions_apply_to_the_task_shown(marked: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, marked)
    failed = marked.model.row(row_of(marked, "high learning rate")).task.id  # type: ignore[union-attr]
    select_rows(qtbot, marked, "baseline")  # Completed: no Mark
    qtbot.waitUntil(lambda: not marked.qactions["mark"].isEnabled())
    marked.open_task(failed)  # as from the dashboard: the table's selection is another task
    qtbot.waitUntil(lambda: marked.qactions["mark"].isEnabled(), timeout=10_000)
    marked.qactions["mark"].trigger()
    assert ran == [[failed]]
    tasks_item = marked.navigation.item(marked.navigation.currentRow())
    assert tasks_item.text() == "Tasks"  # still chosen under the task page: a click on it brings the table back
    qtbot.mouseClick(marked.navigation.viewport(), Qt.MouseButton.LeftButton,
                     pos=marked.navigation.visualItemRect(tasks_item).center())
    assert marked.stack.currentWidget() is marked.tasks_page  # its selection again
    qtbot.waitUntil(lambda: not marked.qactions["mark"].isEnabled())
