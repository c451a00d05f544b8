"""The window, clicked through offscreen: navigation, the task table, its menu, Clone and Enqueue."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.common.dialogs import DIALOG_MIN_WIDTH, CloneDialog, EnqueueDialog
from tasktune_gui.ui.tasks.task_table_model import COLUMNS, TaskTableModel
from tasktune_gui.ui.window.main_window import PAGES, MainWindow
from tests.support.dialogs import type_into_input_dialog


def row_of(window: MainWindow, name: str) -> int:
    model = window.model
    for row in range(model.rowCount()):
        found = model.row(row)
        if found is not None and found.task.name == name:
            return row
    raise AssertionError(f"no row named {name}")


def select_rows(qtbot: QtBot, window: MainWindow, *names: str) -> None:
    table = window.tasks_page.table
    table.clearSelection()
    for i, name in enumerate(names):
        rect = table.visualRect(window.model.index(row_of(window, name), 2))
        modifier = Qt.KeyboardModifier.ControlModifier if i else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def open_demo(qtbot: QtBot, window: MainWindow) -> None:
    window.navigation.setCurrentRow(PAGES.index("Projects"))
    qtbot.waitUntil(lambda: "Demo" in [c.title for c in window.projects.cards])  # summaries come off-thread
    card = window.projects.card("Demo")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tasks_page)


def context_menu(window: MainWindow) -> QMenu:
    table = window.tasks_page.table
    position = table.visualRect(table.selectionModel().selectedRows()[0]).center()
    table.customContextMenuRequested.emit(QPoint(position))
    menu = window.tasks_page.last_menu
    assert menu is not None
    return menu


def entries(menu: QMenu) -> dict[str, tuple[str, bool]]:
    return {a.objectName(): (a.text(), a.isEnabled()) for a in menu.actions()}


def test_object_names_and_demo_rows(window: MainWindow, qtbot: QtBot) -> None:
    for name in ("mainWindow", "navigation", "dashboardPage", "projectsPage", "taskTable", "modelsPage",
                 "workersPage"):
        assert window.objectName() == name or window.findChild(object, name) is not None, name
    open_demo(qtbot, window)
    assert window.model.rowCount() == 4
    statuses = {window.model.row(r).task.name: window.model.index(r, 4).data() for r in range(4)}  # type: ignore[union-attr]
    assert statuses["baseline"] == "Completed"


def test_table_model_passes_the_model_tester(window: MainWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(TaskTableModel(window.core, TaskQuery()))
    unloaded = TaskTableModel(window.core, TaskQuery(), load=False)
    qtmodeltester.check(unloaded)
    unloaded.ensure_loaded()
    assert unloaded.rowCount() == 4


def test_tasks_page_from_the_navigation_reads_the_table_then(window: MainWindow, qtbot: QtBot) -> None:
    assert window.model.rowCount() == 0 and not window.model.loaded  # the window opens on its dashboard
    window.navigation.setCurrentRow(PAGES.index("Tasks"))
    assert window.model.rowCount() == 4


def test_sorting_and_filtering_run_in_the_database(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    name_column = [c.field for c in COLUMNS].index("name")
    window.tasks_page.table.sortByColumn(name_column, Qt.SortOrder.AscendingOrder)
    names = [window.model.row(r).task.name for r in range(window.model.rowCount())]  # type: ignore[union-attr]
    assert names == sorted(names)
    qtbot.keyClicks(window.tasks_page.search, "sweep")
    assert window.model.rowCount() == 4  # not on every key: once the typing pauses
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    window.tasks_page.search.clear()
    status_filter = window.tasks_page.status_filter
    status_filter.setCurrentIndex(status_filter.findData("failed"))
    assert [window.model.row(0).task.name] == ["high learning rate"]  # type: ignore[union-attr]


def test_context_menu_follows_the_lifecycle(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline")
    menu = entries(context_menu(window))
    assert menu["menu_enqueue"][1] is False  # Completed cannot be enqueued
    assert menu["menu_reset"][1] is True
    assert menu["menu_publish"][1] is True
    assert menu["menu_abort"][1] is False
    select_rows(qtbot, window, "momentum sweep", "high learning rate", "baseline")
    menu = entries(context_menu(window))
    assert menu["menu_enqueue"] == ("Enqueue… (2 of 3)", True)
    assert menu["menu_retry"] == ("Retry (1 of 3)", True)
    assert menu["menu_clone"][1] is False  # one task at a time


def test_clone_through_the_dialog(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline")
    seen: dict[str, object] = {}

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CloneDialog)
        assert dialog.name.text() == "Clone Of baseline"
        hint = dialog.project_box.hint
        seen["width"] = dialog.width()
        seen["hint at first"] = hint.isVisible()  # the source's own project exists
        dialog.project.lineEdit().selectAll()
        qtbot.keyClicks(dialog.project.lineEdit(), "Experiments/new")
        seen["hint"] = (hint.isVisible(), hint.text())
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, "lr sweep")
        qtbot.mouseClick(dialog.clone_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_in)
    menu = context_menu(window)
    next(a for a in menu.actions() if a.objectName() == "menu_clone").trigger()
    clones = window.core.tasks.query(TaskQuery(project="Experiments/new"))
    assert [(t.name, t.status) for t in clones] == [("lr sweep", "draft")]
    assert seen["hint at first"] is False
    assert seen["hint"] == (True, 'New project "Experiments/new" will be created.')
    assert int(seen["width"]) >= DIALOG_MIN_WIDTH  # type: ignore[call-overload]
    # The window opens the clone, as the field does: its project's table, the clone selected, its page to edit.
    clone_id = clones[0].id
    assert window.current_project == "Experiments/new"
    assert window.tasks_page.current_id() == clone_id
    assert window.tasks_page.selected_ids() == [clone_id]
    assert window.stack.currentWidget() is window.task_page and window.task_page.task_id == clone_id
    assert window.task_page.tabs.tabText(window.task_page.tabs.currentIndex()) == "EXECUTION"
    assert window.focusWidget() is window.task_page.name and window.task_page.name.selectedText() == "lr sweep"
    assert window.breadcrumbs.texts()[-2:] == ["new", "lr sweep"]


def test_enqueue_through_the_dialog_turns_the_row_pending(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "momentum sweep")

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, EnqueueDialog)
        assert dialog.warning.isVisible()  # nobody watches "default" in this test
        qtbot.mouseClick(dialog.enqueue_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, choose)
    next(a for a in context_menu(window).actions() if a.objectName() == "menu_enqueue").trigger()
    row = row_of(window, "momentum sweep")
    qtbot.waitUntil(lambda: window.model.index(row, 4).data() == "Pending")


def test_enqueue_dialog_starts_a_local_worker_on_an_unwatched_queue(window: MainWindow, qtbot: QtBot) -> None:
    window.core.queues.ensure("gpu")
    open_demo(qtbot, window)
    select_rows(qtbot, window, "momentum sweep")
    seen: list[str] = []

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, EnqueueDialog)
        dialog.queue.setCurrentIndex(dialog.queue.findData("gpu"))
        assert dialog.warning.isVisible() and dialog.start_worker_button.isVisible()
        qtbot.mouseClick(dialog.start_worker_button, Qt.MouseButton.LeftButton)
        seen.append(dialog.queue.currentText())
        assert not dialog.warning.isVisible()  # a worker watches it now
        qtbot.mouseClick(dialog.enqueue_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, choose)
    next(a for a in context_menu(window).actions() if a.objectName() == "menu_enqueue").trigger()
    assert seen == ["gpu  (0 pending, 1 workers)"]
    assert window.worker_toggle.isChecked() and "gpu" in window.settings.embedded_worker_queues
    task_id = window.model.task_id(row_of(window, "momentum sweep"))
    assert task_id is not None
    # The window's own worker runs it.
    qtbot.waitUntil(lambda: window.core.tasks.get(task_id).status in ("completed", "failed"), timeout=60_000)
    window.worker_toggle.setChecked(False)


def test_add_tag_and_move_for_a_multi_selection(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline", "momentum sweep")

    QTimer.singleShot(0, lambda: type_into_input_dialog("best"))
    next(a for a in context_menu(window).actions() if a.objectName() == "menu_add_tag").trigger()
    tagged = window.core.tasks.query(TaskQuery(tags=["best"]))
    assert sorted(t.name for t in tagged) == ["baseline", "momentum sweep"]
    QTimer.singleShot(0, lambda: type_into_input_dialog("Archive/2026"))  # not in the list: a new project
    next(a for a in context_menu(window).actions() if a.objectName() == "menu_move").trigger()
    moved = window.core.tasks.query(TaskQuery(project="Archive/2026"))
    assert sorted(t.name for t in moved) == ["baseline", "momentum sweep"]


def test_run_time_column(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    column = [c.title for c in COLUMNS].index("RUN TIME")
    baseline = row_of(window, "baseline")
    assert window.model.index(baseline, column).data().count(":") == 2
    assert window.model.index(row_of(window, "momentum sweep"), column).data() == ""
