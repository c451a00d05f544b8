"""The task page: tabs, Edit → Save / Cancel under the lifecycle's rules, and the live console."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from tasktune_gui.core.records import TaskRecord
from tasktune_gui.ui.common.section import READ_ONLY_REASON
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_main_window import open_demo, row_of, select_rows


def open_task(qtbot: QtBot, window: MainWindow, name: str) -> str:
    open_demo(qtbot, window)
    select_rows(qtbot, window, name)
    window.qactions["details"].trigger()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.task_page)
    task_id = window.model.task_id(row_of(window, name))
    assert task_id is not None
    return task_id


def test_tabs_and_header(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "baseline")
    tabs = window.task_page.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "EXECUTION", "CONFIGURATION", "ARTIFACTS", "INFO", "CONSOLE", "SCALARS"]
    assert window.task_page.id_label.text() == task_id
    assert window.task_page.tags.text() == "#baseline  #demo"
    assert window.task_page.console.text.line_count() == 0  # not read while another tab is in front
    tabs.setCurrentWidget(window.task_page.console)
    qtbot.waitUntil(lambda: "epoch 5/5" in window.task_page.console.text.text())
    charts = window.task_page.scalars.charts
    assert sorted(charts) == ["accuracy", "loss"]
    [curve] = charts["loss"].plot.getPlotItem().listDataItems()
    xs, ys = curve.xData, curve.yData  # as reported, before drawing downsamples them
    reported = [p for p in window.core.results.scalars(task_id) if p.metric == "loss"]
    assert list(xs) == [p.iteration for p in reported]
    assert list(ys) == [p.value for p in reported]


def test_a_completed_task_is_read_only_and_says_why(window: MainWindow, qtbot: QtBot) -> None:
    open_task(qtbot, window, "baseline")
    page = window.task_page
    for section in (*page.execution.sections, page.configuration.hyperparameters, page.configuration.objects):
        assert not section.edit_button.isEnabled()
        assert section.message.text() == READ_ONLY_REASON
    # User properties follow their own rule: editable until Published.
    assert page.configuration.properties.edit_button.isEnabled()


def test_console_follows_new_lines(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "waiting for a worker")
    window.task_page.tabs.setCurrentWidget(window.task_page.console)
    window.core.queues.pop(["default"], worker="test")
    window.core.results.append_console(task_id, [("stdout", "first line"), ("stdout", "second line")])
    qtbot.waitUntil(lambda: "second line" in window.task_page.console.text.text())


def test_enter_on_a_row_opens_its_page(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline")
    qtbot.keyClick(window.tasks_page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.task_page)
    assert window.task_page.name.text() == "baseline"


def test_a_change_made_elsewhere_is_read_off_the_gui_thread(window: MainWindow, qtbot: QtBot,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = open_task(qtbot, window, "baseline")
    readers: list[str] = []
    real_task_record = window.core.task_record

    def recording_task_record(wanted: str, **options: Any) -> TaskRecord:
        readers.append(threading.current_thread().name)
        return real_task_record(wanted, **options)

    monkeypatch.setattr(window.core, "task_record", recording_task_record)
    window.core.tasks.rename(task_id, "renamed elsewhere")  # as another window or the CLI would
    # Generous: on a busy machine the page reads the change late.
    qtbot.waitUntil(lambda: window.task_page.name.text() == "renamed elsewhere", timeout=20_000)
    # The breadcrumbs take the page's read: they read nothing on the GUI thread either.
    qtbot.waitUntil(lambda: "renamed elsewhere" in window.breadcrumbs.texts())
    assert readers and threading.main_thread().name not in readers


def test_a_read_that_fails_is_tried_again_so_the_page_catches_up(window: MainWindow, qtbot: QtBot,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    task_id = open_task(qtbot, window, "baseline")
    real_task_record = window.core.task_record
    failures = [OperationalError("SELECT", {}, Exception("database is locked"))]

    def busy_once(wanted: str, **options: Any) -> TaskRecord:
        if failures:
            raise failures.pop()
        return real_task_record(wanted, **options)

    monkeypatch.setattr(window.core, "task_record", busy_once)
    window.core.tasks.rename(task_id, "renamed while busy")
    qtbot.waitUntil(lambda: window.task_page.name.text() == "renamed while busy")
    assert not failures and "database is locked" in caplog.text


def test_the_header_renames_what_was_typed_and_never_undoes_a_rename_made_elsewhere(window: MainWindow,
                                                                                     qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "baseline")
    name = window.task_page.name
    window.core.tasks.rename(task_id, "renamed elsewhere")
    name.editingFinished.emit()  # the field left unchanged (focus moved on) before the page read the change
    assert window.core.task_record(task_id).name == "renamed elsewhere"
    qtbot.waitUntil(lambda: name.text() == "renamed elsewhere")
    name.selectAll()
    qtbot.keyClicks(name, "typed here")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert window.core.task_record(task_id).name == "typed here"
