"""What the screenshots showed cut, cramped or mislabelled at 1440x900, each checked through the real window."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Task
from tasktune_gui.ui.overview.cards import CARD_WIDTH
from tasktune_gui.ui.tasks.task_table_model import COLUMNS
from tasktune_gui.ui.window.main_window import PAGES, MainWindow
from tasktune_gui.ui.window.window_state import NAVIGATION_WIDTH
from tests.ui.test_main_window import open_demo, row_of
from tests.ui.test_task_page import open_task

FIELDS = [c.field for c in COLUMNS]


def test_a_first_start_gives_the_page_the_width(window: MainWindow) -> None:
    assert window.splitter.sizes()[0] == NAVIGATION_WIDTH


def test_ids_dates_and_the_setup_status_read_whole_in_the_table(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    table, row = window.tasks_page.table, row_of(window, "baseline")
    metrics = table.fontMetrics()
    for field in ("id", "started", "last_update", "status"):
        column = FIELDS.index(field)
        text = str(window.model.index(row, column).data())
        assert metrics.horizontalAdvance(text) < table.columnWidth(column), (field, text)
    assert metrics.horizontalAdvance("Running · environment 0:34") < table.columnWidth(FIELDS.index("status"))


def test_the_breadcrumb_of_workers_and_queues_shows_its_ampersand(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.navigation.visualItemRect(window.navigation.item(PAGES.index("Workers & Queues")))
                     .center())
    qtbot.waitUntil(lambda: window.breadcrumbs.texts() == ["Workers & Queues"])
    crumb = window.breadcrumbs.buttons[0]
    assert crumb.shortcut().isEmpty()  # "&Q" made it a mnemonic: "Workers _Queues"


def test_project_cards_break_their_counts_into_lines_that_fit(window: MainWindow, qtbot: QtBot) -> None:
    core = window.core
    task_id = core.tasks.add(Task(id="", name="stopped", repository="/r", entry_point="t.py"), "Demo",
                             queue="default")
    core.lifecycle.abort(task_id)  # a fifth status in the demo project
    window.show_page("Projects")
    qtbot.waitUntil(lambda: any(c.title == "Demo" and "Aborted" in c.counts_label.text()
                                for c in window.projects.cards))
    label = window.projects.card("Demo").counts_label
    assert not label.wordWrap()
    assert label.text().count("<br>") >= 2  # the total, then two counts to a line
    assert label.sizeHint().width() < CARD_WIDTH


def test_the_console_find_box_shows_its_whole_hint(window: MainWindow, qtbot: QtBot) -> None:
    open_task(qtbot, window, "baseline")
    box = window.task_page.console.find_box
    assert box.width() > box.fontMetrics().horizontalAdvance(box.placeholderText())


def test_info_reads_from_the_top_in_local_time(window: MainWindow, qtbot: QtBot) -> None:
    open_task(qtbot, window, "baseline")
    info = window.task_page.info
    assert info.alignment() & Qt.AlignmentFlag.AlignTop
    assert re.search(r"^Started: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", info.text(), re.MULTILINE), info.text()
    assert "Status: Completed" in info.text()
