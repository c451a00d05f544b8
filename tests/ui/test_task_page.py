"""The task page: tabs, Edit → Save / Cancel under the lifecycle's rules, and the live console."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.main_window import MainWindow
from tasktune_gui.ui.task_sections import READ_ONLY_REASON
from tests.ui.test_main_window import open_demo, row_of, select_rows


def open_task(qtbot: QtBot, window: MainWindow, name: str) -> str:
    open_demo(qtbot, window)
    select_rows(qtbot, window, name)
    window.qactions["details"].trigger()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.task_page)
    task_id = window.model.task_id(row_of(window, name))
    assert task_id is not None
    return task_id


def set_cell(window: MainWindow, name: str, value: str) -> None:
    table = window.task_page.configuration.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == name)
    table.item(row, 2).setText(value)


def test_tabs_and_header(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "baseline")
    tabs = window.task_page.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "EXECUTION", "CONFIGURATION", "ARTIFACTS", "INFO", "CONSOLE", "SCALARS"]
    assert window.task_page.id_label.text() == task_id
    assert "epoch 5/5" in window.task_page.console.text.toPlainText()
    charts = window.task_page.scalars.charts
    assert sorted(charts) == ["accuracy", "loss"]
    [curve] = charts["loss"].plot.getPlotItem().listDataItems()
    xs, ys = curve.xData, curve.yData  # as reported, before drawing downsamples them
    reported = [p for p in window.core.results.scalars(task_id) if p.metric == "loss"]
    assert list(xs) == [p.iteration for p in reported]
    assert list(ys) == [p.value for p in reported]


def test_a_completed_task_is_read_only_and_says_why(window: MainWindow, qtbot: QtBot) -> None:
    open_task(qtbot, window, "baseline")
    configuration = window.task_page.configuration
    assert not configuration.edit_button.isEnabled()
    assert configuration.message.text() == READ_ONLY_REASON
    assert not window.task_page.execution.edit_button.isEnabled()


def test_edit_save_and_cancel_hyperparameters_of_a_draft(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    configuration = window.task_page.configuration
    qtbot.mouseClick(configuration.edit_button, Qt.MouseButton.LeftButton)
    set_cell(window, "epochs", "many")
    qtbot.mouseClick(configuration.save_button, Qt.MouseButton.LeftButton)
    assert "not a valid int" in configuration.message.text()
    assert window.core.task_json(task_id)["hyperparams"]["Args"]["epochs"]["value"] == "10"
    set_cell(window, "epochs", "7")
    qtbot.mouseClick(configuration.save_button, Qt.MouseButton.LeftButton)
    assert window.core.task_json(task_id)["hyperparams"]["Args"]["epochs"]["value"] == "7"
    qtbot.mouseClick(configuration.edit_button, Qt.MouseButton.LeftButton)
    set_cell(window, "epochs", "99")
    qtbot.mouseClick(configuration.cancel_button, Qt.MouseButton.LeftButton)
    assert window.core.task_json(task_id)["hyperparams"]["Args"]["epochs"]["value"] == "7"


def test_execution_edit_refused_by_the_core_keeps_what_was_typed(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    execution = window.task_page.execution
    qtbot.mouseClick(execution.edit_button, Qt.MouseButton.LeftButton)
    execution.fields["output_uri"].clear()
    qtbot.keyClicks(execution.fields["output_uri"], "s3://minio.lab/bucket")
    qtbot.mouseClick(execution.save_button, Qt.MouseButton.LeftButton)
    assert "port" in execution.message.text()
    assert execution.fields["output_uri"].text() == "s3://minio.lab/bucket"
    assert window.core.task_json(task_id)["execution"]["output_uri"] == ""


def test_console_follows_new_lines(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "waiting for a worker")
    window.core.queues.pop(["default"], worker="test")
    window.core.results.append_console(task_id, [("stdout", "first line"), ("stdout", "second line")])
    qtbot.waitUntil(lambda: "second line" in window.task_page.console.text.toPlainText())


def test_enter_on_a_row_opens_its_page(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline")
    qtbot.keyClick(window.tasks_page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.task_page)
    assert window.task_page.name.text() == "baseline"
