"""Dashboard, Projects page, breadcrumbs and status bar, clicked through offscreen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Task
from tasktune_gui.ui.overview.projects_page import NewProjectDialog
from tasktune_gui.ui.window.main_window import PAGES, MainWindow


def click(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_dashboard_cards_recent_tasks_and_glance(window: MainWindow, qtbot: QtBot) -> None:
    dashboard = window.dashboard
    assert window.stack.currentWidget() is dashboard
    qtbot.waitUntil(lambda: [c.title for c in dashboard.cards] == ["Demo"])  # counted off the GUI thread
    default = next(q for q in window.core.queues.summaries() if q.name == "default")
    assert f"default: {default.pending} pending · 0 workers" in dashboard.queues.item(0).text()
    assert dashboard.workers.text() == "0 workers online"
    click(qtbot, dashboard.cards[0])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tasks_page)
    assert window.model.rowCount() == 4 and window.model.query.project == "Demo"
    window.show_page("Dashboard")
    click(qtbot, dashboard.view_all)
    assert window.stack.currentWidget() is window.projects
    window.show_page("Dashboard")
    item = dashboard.recent_tasks.item(0)
    newest = window.core.overview.recent_tasks(1)[0]
    assert item.text().startswith(newest.name)
    qtbot.mouseClick(dashboard.recent_tasks.viewport(), Qt.MouseButton.LeftButton,
                     pos=dashboard.recent_tasks.visualItemRect(item).center())
    assert window.stack.currentWidget() is window.task_page
    assert window.task_page.task_id == newest.id


def test_dashboard_and_status_bar_follow_workers_and_queues(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.workers_online_label.text() == "0 workers online")  # after the first paint
    assert window.database_label.text().startswith("Database: ")
    window.core.workers.register("lab1", 10, ["gpu"], worker_id="w1")
    window.core.queues.create("gpu")
    qtbot.waitUntil(lambda: window.workers_online_label.text() == "1 worker online")
    qtbot.waitUntil(lambda: any("gpu: 0 pending · 1 worker" in window.dashboard.queues.item(i).text()
                                for i in range(window.dashboard.queues.count())))
    assert window.dashboard.workers.text() == "1 worker online"


def test_projects_grid_search_and_counts(window: MainWindow, qtbot: QtBot) -> None:
    window.core.projects.create("vision/detection")
    window.show_page("Projects")
    page = window.projects
    qtbot.waitUntil(lambda: "vision/detection" in [c.title for c in page.cards])
    assert page.cards[0].title == "All projects"
    demo = page.card("Demo")
    assert sum(demo.counts.values()) == 4
    assert "4 tasks" in demo.counts_label.text() and "Completed" in demo.counts_label.text()
    assert demo.updated_label.text().startswith("Updated 20")
    assert page.card("All projects").counts == demo.counts
    qtbot.keyClicks(page.search, "detect")
    assert [c.title for c in page.cards] == ["vision/detection"]
    page.search.clear()
    click(qtbot, page.card("All projects"))
    assert window.stack.currentWidget() is window.tasks_page and window.model.query.project is None


def test_new_project_dialog_refuses_inline_then_creates(window: MainWindow, qtbot: QtBot) -> None:
    window.show_page("Projects")
    page = window.projects
    click(qtbot, page.new_button)
    dialog = page.last_dialog
    assert isinstance(dialog, NewProjectDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "a//b")
    click(qtbot, dialog.create_button)
    assert dialog.isVisible() and "not a project name" in dialog.error.text()
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Demo")
    click(qtbot, dialog.create_button)
    assert "already exists" in dialog.error.text()
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "nlp")
    click(qtbot, dialog.create_button)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "nlp" in [c.title for c in page.cards])


def test_breadcrumbs_lead_back_up(window: MainWindow, qtbot: QtBot) -> None:
    task_id = window.core.tasks.add(Task(id="", name="yolo", repository="/r", entry_point="t.py"), "vision/detection")
    window.show_page("Projects")
    qtbot.waitUntil(lambda: "vision/detection" in [c.title for c in window.projects.cards])
    click(qtbot, window.projects.card("vision/detection"))
    crumbs = window.breadcrumbs
    assert crumbs.texts() == ["Projects", "vision", "detection"]
    assert not crumbs.buttons[-1].isEnabled()
    window.open_task(task_id)
    assert crumbs.texts() == ["Projects", "vision", "detection", "yolo"]
    click(qtbot, crumbs.buttons[1])
    assert window.stack.currentWidget() is window.tasks_page and window.model.query.project == "vision"
    assert crumbs.texts() == ["Projects", "vision"]
    click(qtbot, crumbs.buttons[0])
    assert window.stack.currentWidget() is window.projects
    assert crumbs.texts() == ["Projects"]
    window.show_page("Workers & Queues")
    assert crumbs.texts() == [PAGES[-1]]
