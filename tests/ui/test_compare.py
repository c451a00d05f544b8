"""Compare (2+ tasks) from the right-click menu: hyperparameters, metrics, curves overlaid and execution."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from pytestqt.qtbot import QtBot

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ScalarPoint, ScalarRow
from tasktune_gui.ui.common.scalar_charts import COLOURS
from tasktune_gui.ui.tasks.compare_scalars import CompareScalars, overlay, task_curves
from tasktune_gui.ui.tasks.compare_view import CompareDialog, hyperparameter_rows
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_main_window import context_menu, entries, open_demo, row_of, select_rows

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Three runs: each reports loss/train at iterations 0..2, ten seconds apart, from its own start; only "b" reports acc.
LOSSES = {"run a": [1.0, 0.0, 1.0], "run b": [2.0, 1.0, 0.5], "run c": [3.0, 3.0, 3.0]}


def add_runs(core: Core) -> dict[str, str]:
    ids = {}
    for offset, (name, losses) in enumerate(LOSSES.items()):
        task_id = core.tasks.add(Task(id="", name=name, repository="/r", entry_point="t.py"), "Demo")
        began = START + timedelta(hours=offset)
        points = [ScalarPoint("loss", "train", i, v, began + timedelta(seconds=10 * i)) for i, v in enumerate(losses)]
        if name == "run b":
            points.append(ScalarPoint("acc", "val", 2, 0.75, began + timedelta(seconds=20)))
        core.results.report_scalars(task_id, points)
        ids[name] = task_id
    return ids


def rows(points: list[ScalarPoint]) -> list[ScalarRow]:
    return [(p.metric, p.series, p.iteration, p.value, p.time.timestamp() if p.time else 0.0) for p in points]


def has_row(window: MainWindow, name: str) -> bool:
    try:
        row_of(window, name)
    except AssertionError:
        return False
    return True


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


def test_compare_overlays_the_selected_tasks_curves(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    add_runs(window.core)
    qtbot.waitUntil(lambda: all(has_row(window, name) for name in LOSSES), timeout=30_000)
    select_rows(qtbot, window, *LOSSES)
    next(a for a in context_menu(window).actions() if a.objectName() == "menu_compare").trigger()
    dialog = window.task_actions.last_opened
    assert isinstance(dialog, CompareDialog)
    view = dialog.scalars
    dialog.tabs.setCurrentWidget(view)
    assert not dialog.only_differences.isEnabled()  # it filters the tables, not the charts
    qtbot.waitUntil(lambda: sorted(view.charts) == ["acc", "loss"], timeout=30_000)  # read off the GUI thread
    loss = view.charts["loss"]
    assert sorted(loss.raw) == sorted(LOSSES)  # a line per task, named by the task
    for name, losses in LOSSES.items():
        assert list(loss.raw[name].yData) == losses
        assert list(loss.raw[name].xData) == [0, 1, 2]
    assert list(view.charts["acc"].raw) == ["run b"]  # the others lack it: fewer lines, no empty ones
    # One colour per task, the same on every chart, and the legend names each task.
    colours = {name: loss.raw[name].opts["pen"].color().name() for name in LOSSES}
    assert len(set(colours.values())) == 3 and set(colours.values()) <= set(COLOURS)
    assert view.charts["acc"].raw["run b"].opts["pen"].color().name() == colours["run b"]
    assert all(name in view.legend.text() for name in LOSSES)

    view.controls.smoothing.setValue(50)  # the same slider as SCALARS: a debiased moving average over the raw line
    assert np.allclose(loss.smoothed["run a"].yData, [1.0, 1 / 3, 5 / 7])
    assert list(loss.raw["run a"].yData) == [1.0, 0.0, 1.0]

    view.controls.x_axis.setCurrentIndex(1)  # time from each task's own start, though they ran hours apart
    assert all(list(loss.raw[name].xData) == [0, 10, 20] for name in LOSSES)
    view.controls.x_axis.setCurrentIndex(2)  # wall time: the runs side by side as they happened
    assert loss.raw["run c"].xData[0] == (START + timedelta(hours=2)).timestamp()
    dialog.close()


def test_a_metric_with_several_series_names_each_line_by_series_and_task(qtbot: QtBot) -> None:
    points = {"a": [ScalarPoint("loss", "train", 0, 1.0, START), ScalarPoint("loss", "val", 0, 2.0, START)],
              "b": [ScalarPoint("loss", "train", 0, 3.0, START)]}
    charts = overlay(task_curves(["a", "b"], [rows(points["a"]), rows(points["b"])]))
    lines, looks = charts["loss"]
    assert sorted(lines) == ["loss/train — a", "loss/train — b", "loss/val — a"]
    assert looks["loss/train — a"].colour == looks["loss/val — a"].colour != looks["loss/train — b"].colour
    assert looks["loss/train — a"].style != looks["loss/val — a"].style  # one colour, told apart by dash
    view = CompareScalars()
    qtbot.addWidget(view)
    view.show_tasks(task_curves(["a", "b"], [rows(points["a"]), rows(points["b"])]))
    assert view.charts["loss"].title == "loss  (solid train · dashed val)"


def test_tasks_without_scalars_say_so(qtbot: QtBot) -> None:
    view = CompareScalars()
    qtbot.addWidget(view)
    view.show_tasks(task_curves(["a", "b"], [[], []]))
    assert view.charts == {} and "None of these tasks" in view.status.text()
