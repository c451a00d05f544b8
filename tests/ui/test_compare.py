"""Compare (2+ tasks) from the right-click menu: hyperparameters, metrics and execution side by side."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tasktune_gui.ui.tasks.compare_view import CompareDialog, hyperparameter_rows
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_main_window import context_menu, entries, open_demo, select_rows


def test_compare_needs_two_and_shows_the_differences(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline")
    assert entries(context_menu(window))["menu_compare"] == ("Compare", False)
    select_rows(qtbot, window, "baseline", "high learning rate")
    assert entries(context_menu(window))["menu_compare"] == ("Compare", True)
    next(a for a in context_menu(window).actions() if a.objectName() == "menu_compare").trigger()
    dialog = window.task_actions.last_opened
    assert isinstance(dialog, CompareDialog) and dialog.isVisible()
    table = dialog.hyperparameters
    labels = [label for label, _ in table.rows]
    assert "Args/lr" in labels
    lr = dict(table.rows)["Args/lr"]
    assert lr[0] != lr[1]  # the failed run differs in its learning rate
    dialog.only_differences.setChecked(True)
    assert all(len(set(values)) > 1 for _, values in table.rows)
    assert "Args/lr" in [label for label, _ in table.rows]
    assert dialog.metrics.rowCount() >= 1  # the demo's completed run reported its loss
    assert dict(dialog.execution.rows)["status"] in (["completed", "failed"], ["failed", "completed"])
    dialog.close()


def test_rows_cover_names_any_task_has() -> None:
    one = {"Args": {"lr": {"value": "0.1"}}}
    two = {"Args": {"lr": {"value": "0.2"}}, "General": {"seed": {"value": "3"}}}
    assert hyperparameter_rows([one, two]) == [("Args/lr", ["0.1", "0.2"]), ("General/seed", ["", "3"])]
