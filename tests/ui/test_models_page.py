"""Models page, model page tabs (GENERAL, NETWORK, LABELS) and the Select Model dialog, clicked through offscreen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.common.section import READ_ONLY_REASON
from tasktune_gui.ui.models.model_table_model import ModelTableModel
from tasktune_gui.ui.models.select_model_dialog import SelectModelDialog
from tasktune_gui.ui.window.main_window import PAGES, MainWindow
from tests.ui.test_task_page import open_task

DESIGN = "layers: 50\nwidth: 2\nactivation: relu\n"


def add_models(window: MainWindow) -> tuple[str, str]:
    resnet = window.core.models.create("resnet", project="Demo", design=DESIGN, labels={"cat": 1, "dog": 2},
                                       framework="torch")
    bert = window.core.models.create("bert", project="nlp", framework="jax")
    return resnet, bert


def click_row(qtbot: QtBot, table: QTableView, row: int, double: bool = False) -> None:
    where = table.visualRect(table.model().index(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    if double:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)


def names(model: ModelTableModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def open_resnet(window: MainWindow, qtbot: QtBot) -> None:
    browser = window.models_page.browser
    assert not browser.loaded or window.stack.currentWidget() is window.models_page  # read when first shown
    window.show_page("Models")
    qtbot.waitUntil(lambda: browser.model.rowCount() == 2)
    click_row(qtbot, browser.table, names(browser.model).index("resnet"), double=True)
    qtbot.waitUntil(lambda: window.models_page.stack.currentWidget() is window.models_page.model_page)


def test_model_table_passes_the_model_tester(window: MainWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    add_models(window)
    qtmodeltester.check(ModelTableModel(window.core))
    qtmodeltester.check(ModelTableModel(window.core, project="nlp", search="be"))


def test_models_table_search_scope_sort_and_open(window: MainWindow, qtbot: QtBot) -> None:
    add_models(window)
    window.show_page("Models")
    assert window.findChild(object, "modelsPage") is window.models_page
    browser = window.models_page.browser
    qtbot.waitUntil(lambda: browser.model.rowCount() == 2)
    browser.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert names(browser.model) == ["bert", "resnet"]
    qtbot.keyClicks(browser.search, "res")
    assert names(browser.model) == ["resnet"]
    browser.search.clear()
    browser.scope.setCurrentIndex(browser.scope.findData("nlp"))
    assert names(browser.model) == ["bert"]
    browser.scope.setCurrentIndex(0)
    open_resnet(window, qtbot)
    page = window.models_page.model_page
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["GENERAL", "NETWORK", "LABELS"]
    assert window.breadcrumbs.texts() == ["Models", "resnet"]
    assert page.general.project.text() == "Demo" and page.general.framework.text() == "torch"
    qtbot.mouseClick(window.breadcrumbs.buttons[0], Qt.MouseButton.LeftButton)
    assert window.models_page.stack.currentWidget() is browser
    assert window.breadcrumbs.texts() == ["Models"]


def test_general_tab_edit_refusal_and_save(window: MainWindow, qtbot: QtBot) -> None:
    resnet, _bert = add_models(window)
    open_resnet(window, qtbot)
    general = window.models_page.model_page.general
    assert general.name.isReadOnly()
    qtbot.mouseClick(general.edit_button, Qt.MouseButton.LeftButton)
    general.name.clear()
    qtbot.mouseClick(general.save_button, Qt.MouseButton.LeftButton)
    assert "needs a name" in general.message.text() and general.editing
    qtbot.keyClicks(general.name, "resnet50")
    qtbot.mouseClick(general.save_button, Qt.MouseButton.LeftButton)
    assert window.core.models.get(resnet).name == "resnet50" and not general.editing
    qtbot.waitUntil(lambda: "resnet50" in names(window.models_page.browser.model))


def test_network_tab_find_copy_edit_clear(window: MainWindow, qtbot: QtBot) -> None:
    resnet, _bert = add_models(window)
    open_resnet(window, qtbot)
    network = window.models_page.model_page.network
    window.models_page.model_page.tabs.setCurrentWidget(network)
    assert network.text.toPlainText() == DESIGN and network.text.isReadOnly()
    assert not network.clear_button.isEnabled()
    qtbot.keyClicks(network.find_box, "relu")
    qtbot.keyClick(network.find_box, Qt.Key.Key_Return)
    assert network.text.textCursor().selectedText() == "relu"
    qtbot.keyClick(network.find_box, Qt.Key.Key_Return)  # wraps around to the same, only, match
    assert network.text.textCursor().selectedText() == "relu"
    qtbot.mouseClick(network.findChild(object, "networkCopy"), Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    assert QApplication.clipboard().text() == DESIGN
    qtbot.mouseClick(network.edit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(network.clear_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(network.text, "layers: 18")
    qtbot.mouseClick(network.save_button, Qt.MouseButton.LeftButton)
    assert window.core.models.get(resnet).design == "layers: 18"
    qtbot.mouseClick(network.edit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(network.clear_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(network.cancel_button, Qt.MouseButton.LeftButton)
    assert network.text.toPlainText() == "layers: 18"


def test_labels_tab_add_change_delete_with_refusals(window: MainWindow, qtbot: QtBot) -> None:
    resnet, _bert = add_models(window)
    open_resnet(window, qtbot)
    labels = window.models_page.model_page.labels
    assert labels.pairs() == [("cat", "1"), ("dog", "2")] and not labels.add_button.isEnabled()
    qtbot.mouseClick(labels.edit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(labels.add_button, Qt.MouseButton.LeftButton)
    labels.table.item(2, 0).setText("bird")
    labels.table.item(2, 1).setText("2")
    qtbot.mouseClick(labels.save_button, Qt.MouseButton.LeftButton)
    assert "both have id 2" in labels.message.text()
    assert labels.pairs()[2] == ("bird", "2")  # what was typed stays
    labels.table.item(2, 1).setText("three")
    qtbot.mouseClick(labels.save_button, Qt.MouseButton.LeftButton)
    assert "not an integer" in labels.message.text()
    labels.table.item(2, 1).setText("3")
    labels.table.item(0, 1).setText("7")  # change
    qtbot.mouseClick(labels.save_button, Qt.MouseButton.LeftButton)
    assert window.core.models.get(resnet).labels == {"cat": 7, "dog": 2, "bird": 3}
    qtbot.mouseClick(labels.edit_button, Qt.MouseButton.LeftButton)
    labels.table.selectRow(1)
    qtbot.mouseClick(labels.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(labels.save_button, Qt.MouseButton.LeftButton)
    assert window.core.models.get(resnet).labels == {"cat": 7, "bird": 3}


def test_select_model_dialog_sets_and_removes_the_input_model(window: MainWindow, qtbot: QtBot) -> None:
    _resnet, bert = add_models(window)
    task_id = open_task(qtbot, window, "momentum sweep")  # a Draft
    artifacts = window.task_page.artifacts
    window.task_page.tabs.setCurrentWidget(artifacts)
    assert artifacts.input_model.text() == "none" and not artifacts.remove_button.isEnabled()
    qtbot.mouseClick(artifacts.edit_button, Qt.MouseButton.LeftButton)
    dialog = artifacts.last_dialog
    assert isinstance(dialog, SelectModelDialog) and dialog.objectName() == "selectModelDialog"
    browser = dialog.browser
    assert browser.scope.currentData() == "Demo" and names(browser.model) == ["resnet"]
    assert not dialog.select_button.isEnabled()
    browser.scope.setCurrentIndex(0)  # any other project
    qtbot.keyClicks(browser.search, "ber")
    assert names(browser.model) == ["bert"]
    click_row(qtbot, browser.table, 0)
    assert dialog.select_button.isEnabled()
    qtbot.mouseClick(dialog.select_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.core.task_json(task_id)["input_model"] == bert)
    assert ">bert</a>" in artifacts.input_model.text()
    artifacts.input_model.linkActivated.emit(bert)
    assert window.navigation.currentRow() == PAGES.index("Models")
    assert window.models_page.model_page.model_id == bert
    window.open_task(task_id)
    qtbot.mouseClick(artifacts.remove_button, Qt.MouseButton.LeftButton)
    assert window.core.task_json(task_id)["input_model"] is None
    assert artifacts.input_model.text() == "none"


def test_input_model_is_read_only_outside_draft(window: MainWindow, qtbot: QtBot) -> None:
    open_task(qtbot, window, "baseline")  # Completed
    artifacts = window.task_page.artifacts
    assert not artifacts.edit_button.isEnabled() and not artifacts.remove_button.isEnabled()
    assert artifacts.message.text() == READ_ONLY_REASON
