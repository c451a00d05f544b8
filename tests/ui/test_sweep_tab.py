"""Sweeps in the window: right-click → Sweep… makes one; the SWEEP tab of an optimizer task (shown only for one),
its chart and table live as trials end, its actions."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.core.sweeps.definition import SweepDefinition, parse_objective, parse_param
from tasktune_gui.ui.task.sweep_tab import SweepTab, best_so_far
from tasktune_gui.ui.tasks.sweep_dialog import SweepDialog
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_main_window import context_menu, open_demo, select_rows


def sweep_with_trials(core: Core, ended: list[float | None]) -> tuple[str, list[str]]:
    """A sweep whose trials ended with these objectives (None: failed), as a worker would leave them."""
    args = {"lr": {"value": "0.1", "type": "float"}, "opt": {"value": "sgd", "type": "str"}}
    base = core.tasks.add(Task(id="", name="base", repository="/r", entry_point="t.py"), "vision",
                          hyperparameters={"Args": args})
    definition = SweepDefinition(base=base, params=(parse_param("Args/lr=log:1e-4:1"),
                                                    parse_param("Args/opt=choice:sgd,adam")),
                                 objective=parse_objective("loss/train:min"), parallel=len(ended) + 1)
    sweep = core.sweeps.create(definition, queue="default")
    core.lifecycle.start(sweep, "test", "host")
    trials = []
    for number, value in enumerate(ended):
        trial = core.sweeps.launch_trial(sweep, number, {"Args/lr": str(0.1 * (number + 1)), "Args/opt": "adam"},
                                         limit=len(ended) + 1)
        assert trial is not None
        core.lifecycle.start(trial, "test", "host")
        if value is None:
            core.lifecycle.fail(trial, "exit code 1")
        else:
            core.results.report_scalars(trial, [ScalarPoint("loss", "train", 0, value)])
            core.lifecycle.complete(trial)
        core.sweeps.record_outcome(sweep, trial, "failed" if value is None else "complete", value)
        trials.append(trial)
    return sweep, trials


def test_best_so_far_follows_the_goal() -> None:
    assert best_so_far([3.0, None, 1.0, 2.0], "min") == [3.0, 3.0, 1.0, 1.0]
    assert best_so_far([None, 1.0, 2.0], "max") == [None, 1.0, 2.0]


def test_the_sweep_tab_shows_trials_live_and_its_actions_work(window: MainWindow, qtbot: QtBot) -> None:
    core = window.core
    sweep, trials = sweep_with_trials(core, [0.5, None, 0.2])
    window.open_task(sweep)
    page = window.task_page
    tabs = page.tabs
    qtbot.waitUntil(lambda: tabs.count() == 7)
    assert tabs.tabText(6) == "SWEEP"
    tabs.setCurrentWidget(page.sweep)
    tab = page.sweep
    rows = tab.table.model()
    assert rows.rowCount() == 3
    headers = [rows.headerData(i, Qt.Orientation.Horizontal) for i in range(rows.columnCount())]
    assert headers == ["Trial", "Status", "Objective", "Args/lr", "Args/opt"]
    assert [rows.index(r, 1).data() for r in range(3)] == ["completed", "failed", "completed"]
    assert "2 of 10 trials done" not in tab.summary.text() and "3 of 10 trials done" in tab.summary.text()
    assert "best 0.2" in tab.summary.text()
    xs, ys = tab.best_line.getData()
    assert list(xs) == [0, 2] and list(ys) == [0.5, 0.2]
    # Sorting by the objective puts the best first (numbers, not text).
    qtbot.mouseClick(tab.table.horizontalHeader().viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(tab.table.horizontalHeader().sectionViewportPosition(2) + 5, 5))
    assert [rows.index(r, 2).data() for r in range(3)] == [0.2, 0.5, None]  # no result (failed) last

    # A trial that ends elsewhere shows without a click.
    late = core.sweeps.launch_trial(sweep, 3, {"Args/lr": "0.9", "Args/opt": "sgd"}, limit=9)
    assert late is not None
    core.results.append_console(sweep, [("stdout", "[sweep] trial 3 launched")])
    qtbot.waitUntil(lambda: rows.rowCount() == 4, timeout=30_000)

    # Two trials picked in the table are compared: their fields and curves side by side.
    assert not tab.compare.isEnabled()
    for row, modifier in ((0, Qt.KeyboardModifier.NoModifier), (1, Qt.KeyboardModifier.ControlModifier)):
        qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, modifier,
                         tab.table.visualRect(rows.index(row, 0)).center())
    picked = tab.selected_trials()
    assert len(picked) == 2 and set(picked) <= {*trials, late} and tab.compare.isEnabled()
    qtbot.mouseClick(tab.compare, Qt.MouseButton.LeftButton)
    dialog = window.task_actions.last_opened
    assert dialog is not None and [r.id for r in dialog.records] == picked  # type: ignore[attr-defined]
    dialog.close()  # type: ignore[attr-defined]

    qtbot.mouseClick(tab.pause, Qt.MouseButton.LeftButton)
    assert core.sweeps.get(sweep)[1] == "paused"
    core.results.append_console(sweep, [("stdout", "paused")])
    qtbot.waitUntil(lambda: tab.pause.text() == "Resume", timeout=30_000)

    tab.clone_best.click()
    qtbot.waitUntil(lambda: page.task_id not in (sweep, None) and page.record is not None
                    and page.record.status == "draft",
                    timeout=30_000)
    assert page.record is not None and page.record.parent == trials[2]  # a Draft clone of the best trial, opened
    assert tabs.count() == 6  # not an optimizer: no SWEEP tab


def test_right_click_sweep_makes_a_sweep_and_opens_it(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    select_rows(qtbot, window, "baseline")
    seen: dict[str, object] = {}

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SweepDialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["nothing chosen"] = (ok.isEnabled(), dialog.preview.text())
        dialog.set_range("Args/lr", "log", "0:1")
        seen["bad range"] = (ok.isEnabled(), dialog.preview.text())
        dialog.set_range("Args/lr", "choice", "0.1,0.3,0.5")
        dialog.set_range("Args/epochs", "int", "1:4")
        dialog.method.setCurrentText("grid")
        dialog.parallel.setValue(2)
        seen["grid"] = (ok.isEnabled(), dialog.preview.text())
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_in)
    menu = context_menu(window)
    next(a for a in menu.actions() if a.objectName() == "menu_sweep").trigger()
    assert seen["nothing chosen"] == (False, "a sweep needs at least one --param")
    assert seen["bad range"][0] is False and "above 0" in str(seen["bad range"][1])
    assert seen["grid"] == (True, "12 trials, 2 at once; a grid of these makes 12 trials")
    page = window.task_page
    qtbot.waitUntil(lambda: page.record is not None and page.record.type == "optimizer", timeout=30_000)
    assert page.record is not None and page.record.status == "pending"
    definition = page.sweep.sweep["definition"]
    assert [p["name"] for p in definition["params"]] == ["Args/lr", "Args/epochs"]
    assert (definition["method"], definition["trials"], definition["parallel"]) == ("grid", 12, 2)
    assert page.tabs.tabText(page.tabs.count() - 1) == "SWEEP"


def test_a_plain_task_page_builds_no_sweep_tab(window: MainWindow, qtbot: QtBot) -> None:
    plain = window.core.tasks.add(Task(id="", name="plain", repository="/r", entry_point="t.py"), "vision")
    window.open_task(plain)
    page = window.task_page
    qtbot.waitUntil(lambda: page.record is not None and page.record.id == plain)
    assert page.findChildren(SweepTab) == []  # its four charts wait for an optimizer task
    sweep, _trials = sweep_with_trials(window.core, [0.5])
    window.open_task(sweep)
    qtbot.waitUntil(lambda: page.tabs.count() == 7)
    assert page.tabs.widget(6) is page.sweep and len(page.findChildren(SweepTab)) == 1
