"""The task table's column chooser, extra columns, filters, CSV export, and the layout kept across runs."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from tasktune_gui.app import make_window
from tasktune_gui.core.overview import ExtraColumn
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.tasks.task_table_model import COLUMNS, TaskTableModel
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_main_window import open_demo, row_of, select_rows

TITLES = [c.title for c in COLUMNS]


def header_menu(window: MainWindow, section: int) -> QMenu:
    header = window.tasks_page.table.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(header.sectionViewportPosition(section) + 5, 5))
    menu = window.tasks_page.last_header_menu
    assert menu is not None
    return menu


def entry(menu: QMenu, name: str):  # type: ignore[no-untyped-def]
    return next(a for a in menu.actions() if a.objectName() == name)


def column_of(window: MainWindow, title: str) -> int:
    model = window.model
    return next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == title)


def add_column(window: MainWindow, qtbot: QtBot, kind: str, text: str) -> None:
    entry(header_menu(window, 0), f"add_{kind}_column").trigger()
    dialog = window.tasks_page.columns.last_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.text, text)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)


def test_header_menu_hides_columns_and_adds_param_and_metric_columns(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    header = window.tasks_page.table.horizontalHeader()
    description = TITLES.index("DESCRIPTION")
    menu = header_menu(window, description)
    assert entry(menu, "column_DESCRIPTION").isChecked()
    entry(menu, "column_DESCRIPTION").trigger()
    assert header.isSectionHidden(description)
    assert not entry(header_menu(window, 0), "column_DESCRIPTION").isChecked()
    add_column(window, qtbot, "param", "lr")  # no section: refused inline, the dialog stays
    dialog = window.tasks_page.columns.last_dialog
    assert dialog is not None and dialog.isVisible() and "SECTION/NAME" in dialog.error.text()
    dialog.text.setText("Args/lr")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    add_column(window, qtbot, "metric", "loss/train")
    lr, loss = column_of(window, "Args/lr"), column_of(window, "loss/train (last)")
    sweep = row_of(window, "momentum sweep")
    assert window.model.index(sweep, lr).data() == "0.05"
    baseline = row_of(window, "baseline")
    task_id = window.model.task_id(baseline)
    assert task_id is not None
    last = [p.value for p in window.core.results.scalars(task_id) if (p.metric, p.series) == ("loss", "train")][-1]
    assert window.model.index(baseline, loss).data() == f"{last:g}"
    entry(header_menu(window, lr), "remove_column").trigger()
    assert [c.key for c in window.model.extra] == ["metric:loss/train"]


def test_extra_columns_pass_the_model_tester(window: MainWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = TaskTableModel(window.core, TaskQuery())
    model.add_extra_column(ExtraColumn.parse("param", "Args/lr"))
    model.add_extra_column(ExtraColumn.parse("metric", "loss/train"))
    qtmodeltester.check(model)


def test_filters_by_type_tag_user_and_id(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    filters = window.tasks_page.filters
    sweep_id = window.model.task_id(row_of(window, "momentum sweep"))
    assert sweep_id is not None
    window.core.tasks.set_type(sweep_id, "testing")
    filters.type_filter.setCurrentIndex(filters.type_filter.findData("testing"))
    assert window.model.rowCount() == 1
    filters.type_filter.setCurrentIndex(0)
    qtbot.keyClicks(filters.tag_filter, "sweep")
    qtbot.keyClick(filters.tag_filter, Qt.Key.Key_Return)  # Enter applies at once
    names = {window.model.row(r).task.name for r in range(window.model.rowCount())}  # type: ignore[union-attr]
    assert "momentum sweep" in names and "baseline" not in names
    filters.tag_filter.clear()
    filters.flush()
    qtbot.keyClicks(filters.user_filter, "nobody-here")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    filters.user_filter.clear()
    qtbot.keyClicks(filters.user_filter, window.core.tasks.get(sweep_id).user)
    qtbot.waitUntil(lambda: window.model.rowCount() == 4)
    filters.user_filter.clear()
    qtbot.keyClicks(filters.search, sweep_id[:6])
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.task_id(0) == sweep_id


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as source:
        return list(csv.reader(source))


def test_export_selection_and_all_filtered_rows(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    open_demo(qtbot, window)
    header = window.tasks_page.table.horizontalHeader()
    header.moveSection(header.visualIndex(TITLES.index("NAME")), 0)
    header.setSectionHidden(TITLES.index("DESCRIPTION"), True)
    select_rows(qtbot, window, "baseline", "momentum sweep")
    target = tmp_path / "selected.csv"
    assert window.tasks_page.export_csv(target, selection_only=True) == 2
    rows = read_csv(target)
    assert rows[0][:2] == ["NAME", "ID"] and "DESCRIPTION" not in rows[0]
    assert sorted(r[0] for r in rows[1:]) == ["baseline", "momentum sweep"]
    status = rows[0].index("STATUS")
    assert {r[0]: r[status] for r in rows[1:]}["baseline"] == "Completed"
    window.tasks_page.status_filter.setCurrentIndex(window.tasks_page.status_filter.findData("failed"))
    everything = tmp_path / "all.csv"
    assert window.tasks_page.export_csv(everything, selection_only=False) == 1
    assert [r[0] for r in read_csv(everything)[1:]] == ["high learning rate"]
    assert not list(tmp_path.glob("*.part"))


def test_layout_is_remembered_across_runs(qtbot: QtBot, sqlite_url: str, tmp_path: Path) -> None:
    state = tmp_path / "config" / "window.ini"
    first: MainWindow = make_window(sqlite_url, state_path=state)
    qtbot.addWidget(first)
    first.show()
    first.resize(780, 590)  # within the offscreen screen (800x600), unlike the default size
    size = (first.width(), first.height())
    assert size == (780, 590)
    first.splitter.setSizes([150, 630])
    header = first.tasks_page.table.horizontalHeader()
    header.moveSection(header.visualIndex(TITLES.index("NAME")), 0)
    header.resizeSection(TITLES.index("ID"), 222)
    header.setSectionHidden(TITLES.index("TAGS"), True)
    first.model.add_extra_column(ExtraColumn.parse("param", "Args/lr"))
    first.tasks_page.table.sortByColumn(TITLES.index("NAME"), Qt.SortOrder.AscendingOrder)
    sizes = first.splitter.sizes()
    first.close()
    first.core.close()
    assert state.exists()

    second: MainWindow = make_window(sqlite_url, state_path=state)
    qtbot.addWidget(second)
    second.show()
    header = second.tasks_page.table.horizontalHeader()
    assert (second.width(), second.height()) == size
    assert second.splitter.sizes() == sizes
    assert header.visualIndex(TITLES.index("NAME")) == 0
    assert header.sectionSize(TITLES.index("ID")) == 222
    assert header.isSectionHidden(TITLES.index("TAGS"))
    assert [c.key for c in second.model.extra] == ["param:Args/lr"]
    assert (second.model.query.order_by, second.model.query.descending) == ("name", False)
    second.close()
    second.core.close()


def test_rows_stay_on_one_line_and_elide(window: MainWindow, qtbot: QtBot) -> None:
    from tasktune_gui.core.models import Task

    long_name = "resnet50 imagenet baseline with mixup and cutmix at a cosine schedule over ninety epochs"
    window.core.tasks.add(Task(id="", name=long_name, repository="/r", entry_point="t.py"), "Demo")
    open_demo(qtbot, window)
    table = window.tasks_page.table
    table.setColumnWidth(TITLES.index("NAME"), 120)
    table.setColumnWidth(TITLES.index("UPDATED"), 70)
    row = row_of(window, long_name)
    line = table.fontMetrics().lineSpacing()
    table.resizeRowsToContents()  # what a double-click on a row's edge does: still one line
    assert not table.wordWrap() and table.textElideMode() == Qt.TextElideMode.ElideRight
    assert table.rowHeight(row) < 2 * line
    assert {table.rowHeight(r) for r in range(window.model.rowCount())} == {table.rowHeight(0)}
    window.show_page("Models")  # the models' table too
    models = window.models_page.browser.table
    assert not models.wordWrap() and models.verticalHeader().defaultSectionSize() < 2 * line
