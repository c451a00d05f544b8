"""The SWEEP tab's convergence charts: a range dragged on a parallel-coordinates axis filters the trials' table (a
click or Esc clears it), pruned learning curves are grey, and importance ranks the parameter that drives the
objective first."""

from __future__ import annotations

import math
from random import Random

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.core.sweeps.definition import SweepDefinition, parse_objective, parse_param
from tasktune_gui.ui.task.parallel_coordinates import ParallelCoordinates
from tasktune_gui.ui.task.sweep_charts import GREYED
from tasktune_gui.ui.task.sweep_tab import SweepTab
from tasktune_gui.ui.task.sweep_trials import TRIAL_ID


def sweep_of(core: Core, trials: list[tuple[float, str, list[float], str]]) -> str:
    """A sweep over Args/lr (log 1e-4..1) and Args/opt (sgd, adam) whose trials ended as given: (lr, opt, the
    objective's points by iteration, the state told to the search: complete, pruned or failed)."""
    args = {"lr": {"value": "0.1", "type": "float"}, "opt": {"value": "sgd", "type": "str"}}
    base = core.tasks.add(Task(id="", name="base", repository="/r", entry_point="t.py"), "vision",
                          hyperparameters={"Args": args})
    definition = SweepDefinition(base=base, params=(parse_param("Args/lr=log:1e-4:1"),
                                                    parse_param("Args/opt=choice:sgd,adam")),
                                 objective=parse_objective("loss/train:min"), trials=len(trials),
                                 parallel=len(trials) + 1)
    sweep = core.sweeps.create(definition, queue="default")
    core.lifecycle.start(sweep, "test", "host")
    for number, (lr, opt, points, state) in enumerate(trials):
        trial = core.sweeps.launch_trial(sweep, number, {"Args/lr": repr(lr), "Args/opt": opt}, limit=len(trials) + 1)
        assert trial is not None
        core.lifecycle.start(trial, "test", "host")
        if points:
            core.results.report_scalars(trial, [ScalarPoint("loss", "train", i, v) for i, v in enumerate(points)])
        if state == "failed":
            core.lifecycle.fail(trial, "exit code 1")
        else:
            core.lifecycle.complete(trial)
        core.sweeps.record_outcome(sweep, trial, state, points[-1] if points and state != "failed" else None)
    return sweep


def open_tab(qtbot: QtBot, core: Core, sweep: str) -> SweepTab:
    shown = SweepTab(core)
    qtbot.addWidget(shown)
    shown.resize(1400, 800)
    shown.show()
    qtbot.waitExposed(shown)
    watched = core.sweeps.watch(sweep)
    assert watched is not None
    shown.show_sweep(sweep, watched, "running")
    return shown


def close_tab(shown: SweepTab) -> None:
    shown.background.close()
    shown.close()


def to_widget(chart: ParallelCoordinates, axis: int, unit: float) -> QPoint:
    """Where on the chart's viewport the point at unit height on axis `axis` is drawn."""
    scene = chart.getPlotItem().getViewBox().mapViewToScene(QPointF(axis, unit))
    return chart.mapFromScene(scene)


def mouse(qtbot: QtBot, chart: ParallelCoordinates, kind: QEvent.Type, at: QPoint, held: bool) -> None:
    """A mouse event as the window system delivers it to the chart's viewport (the button held while it moves)."""
    if kind == QEvent.Type.MouseMove:
        # pyqtgraph drops moves that come faster than its rate limit (100 a second), as a hand never sends them.
        scene = chart.scene()
        qtbot.waitUntil(scene._moveEventIsAllowed, timeout=30_000)
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    buttons = Qt.MouseButton.LeftButton if held else Qt.MouseButton.NoButton
    viewport = chart.viewport()
    event = QMouseEvent(kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def drag(qtbot: QtBot, chart: ParallelCoordinates, axis: int, start: float, end: float) -> None:
    begin, finish = to_widget(chart, axis, start), to_widget(chart, axis, end)
    mouse(qtbot, chart, QEvent.Type.MouseMove, begin, False)  # the pointer comes to the axis, then presses
    mouse(qtbot, chart, QEvent.Type.MouseButtonPress, begin, True)
    for step in (1, 2, 3):
        mouse(qtbot, chart, QEvent.Type.MouseMove, begin + (finish - begin) * step / 3, True)
    mouse(qtbot, chart, QEvent.Type.MouseButtonRelease, finish, False)


def click(qtbot: QtBot, chart: ParallelCoordinates, axis: int, unit: float) -> None:
    at = to_widget(chart, axis, unit)
    mouse(qtbot, chart, QEvent.Type.MouseMove, at, False)
    mouse(qtbot, chart, QEvent.Type.MouseButtonPress, at, True)
    mouse(qtbot, chart, QEvent.Type.MouseButtonRelease, at, False)


def shown_trials(shown: SweepTab) -> list[str]:
    """The trials the table shows, as a person sees its rows."""
    model = shown.table.model()
    return sorted(model.index(row, 0).data(TRIAL_ID) for row in range(model.rowCount()))


def test_a_range_dragged_on_an_axis_filters_the_table(sqlite_core: Core, qtbot: QtBot) -> None:
    core = sqlite_core
    # lr 1e-4, 1e-3, 1e-2, 1e-1 (log axis: units 0, .25, .5, .75); objectives 4, 3, 2, 1.
    sweep = sweep_of(core, [(10.0 ** -(4 - n), "sgd" if n % 2 else "adam", [5.0, 4.0 - n], "complete")
                            for n in range(4)])
    shown = open_tab(qtbot, core, sweep)
    try:
        ids = [t["id"] for t in shown.sweep["trials"]]
        chart = shown.coordinates
        shown.charts.setCurrentWidget(chart)
        qtbot.waitUntil(lambda: chart.isVisible() and chart.viewport().width() > 100, timeout=30_000)
        assert shown_trials(shown) == sorted(ids)

        drag(qtbot, chart, 0, 0.4, 0.9)  # lr from 10^-2.4 to 10^-0.4: the trials of 1e-2 and 1e-1
        assert shown_trials(shown) == sorted(ids[2:])
        assert "Showing 2 of 4 trials" in shown.filter_note.text() and shown.filter_note.isVisible()
        assert len(chart.dimmed.getData()[0]) > 0  # the others dimmed, not gone

        drag(qtbot, chart, 0, 0.1, 0.3)  # a second drag on the same axis replaces its range: 1e-3 alone
        assert shown_trials(shown) == [ids[1]]
        drag(qtbot, chart, 2, 0.0, 0.2)  # and the objective's axis too (objectives 1..4; its low end: 1): none left
        assert shown_trials(shown) == []
        click(qtbot, chart, 2, 0.5)  # a click on an axis clears its range
        assert shown_trials(shown) == [ids[1]]

        shown.table.setFocus()
        qtbot.keyClick(shown.table, Qt.Key.Key_Escape)  # Esc clears them all
        assert shown_trials(shown) == sorted(ids)
        assert not shown.filter_note.isVisible()

        drag(qtbot, chart, 1, 0.9, 1.0)  # a categorical axis: opt = adam (its head)
        assert shown_trials(shown) == sorted([ids[0], ids[2]])
        # A refresh (a trial ended meanwhile) keeps the ranges and the filter.
        watched = core.sweeps.watch(sweep)
        assert watched is not None
        shown.show_sweep(sweep, watched, "running")
        assert shown_trials(shown) == sorted([ids[0], ids[2]])
    finally:
        close_tab(shown)


def test_pruned_curves_are_grey_and_the_best_is_highlighted(sqlite_core: Core, qtbot: QtBot) -> None:
    core = sqlite_core
    sweep = sweep_of(core, [(1e-3, "sgd", [3.0, 2.0, 1.0], "complete"),
                            (1e-2, "adam", [3.0, 2.9], "pruned"),
                            (1e-1, "sgd", [2.0, 1.0, 0.5], "complete"),
                            (1e-4, "adam", [], "failed")])
    shown = open_tab(qtbot, core, sweep)
    try:
        curves = shown.curves
        shown.charts.setCurrentWidget(curves)
        greyed = [v for v in curves.greyed.getData()[1] if not math.isnan(v)]
        assert greyed == [3.0, 2.9]  # the pruned trial's curve, and only it
        assert curves.greyed.opts["pen"].color().name() == GREYED
        assert [v for v in curves.curves.getData()[1] if not math.isnan(v)] == [3.0, 2.0, 1.0]
        assert [v for v in curves.best.getData()[1] if not math.isnan(v)] == [2.0, 1.0, 0.5]
        # Pruned and failed lines are grey in the parallel coordinates too.
        chart = shown.coordinates
        shown.charts.setCurrentWidget(chart)  # drawn when it comes to the front
        assert chart.greyed.opts["pen"].color().name() == GREYED
        assert sum(1 for x in chart.greyed.getData()[0] if math.isnan(x)) == 2  # two lines: pruned and failed
    finally:
        close_tab(shown)


def test_importance_puts_the_parameter_that_drives_the_objective_first(sqlite_core: Core, qtbot: QtBot) -> None:
    core = sqlite_core
    random = Random(3)
    trials = []
    for _ in range(30):  # the objective depends on lr alone; opt is noise-free and irrelevant
        lr = 10 ** random.uniform(-4, 0)
        trials.append((lr, random.choice(["sgd", "adam"]), [abs(math.log10(lr) + 2)], "complete"))
    sweep = sweep_of(core, trials)
    shown = open_tab(qtbot, core, sweep)
    try:
        chart = shown.importance
        shown.charts.setCurrentWidget(chart)
        qtbot.waitUntil(lambda: bool(chart.names), timeout=30_000)
        assert chart.names == ["Args/lr", "Args/opt"]
        assert chart.values[0] > chart.values[1]
        assert "From 30 completed trials" in chart.note.text()
    finally:
        close_tab(shown)


def test_importance_says_it_needs_more_trials(sqlite_core: Core, qtbot: QtBot) -> None:
    core = sqlite_core
    sweep = sweep_of(core, [(1e-3, "sgd", [1.0], "complete"), (1e-2, "adam", [2.0], "complete")])
    shown = open_tab(qtbot, core, sweep)
    try:
        shown.charts.setCurrentWidget(shown.importance)
        qtbot.waitUntil(lambda: "at least" in shown.importance.note.text(), timeout=30_000)
        assert shown.importance.note.text() == "Importance needs at least 5 completed trials (2 so far)."
        assert shown.importance.names == []
    finally:
        close_tab(shown)


def test_another_sweep_starts_with_no_range(sqlite_core: Core, qtbot: QtBot) -> None:
    core = sqlite_core
    trials = [(10.0 ** -(4 - n), "adam", [4.0 - n], "complete") for n in range(4)]
    first, second = sweep_of(core, trials), sweep_of(core, trials)
    shown = open_tab(qtbot, core, first)
    try:
        shown.charts.setCurrentWidget(shown.coordinates)
        shown.coordinates.select_range(0, 0.4, 1.0)  # lr 1e-2 and 1e-1
        assert len(shown_trials(shown)) == 2
        watched = core.sweeps.watch(second)
        assert watched is not None
        shown.show_sweep(second, watched, "running")
        assert shown.coordinates.ranges == {} and len(shown_trials(shown)) == 4
        assert not shown.filter_note.isVisible()
    finally:
        close_tab(shown)
