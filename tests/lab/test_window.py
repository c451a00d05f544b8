"""Bob's window in a lab: alice's task greyed with a tooltip naming her, her INFO saying who aborted it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tasktune_gui.app import make_window
from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.ui.window.main_window import MainWindow
from tests.support.lab import Lab
from tests.ui.test_main_window import context_menu, select_rows


@pytest.fixture
def bobs_window(qtbot: QtBot, lab_db: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    built: MainWindow = make_window(lab_db.url("bob"))
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()
    built.core.close()


def test_bobs_window_greys_alices_task_and_says_who_aborted_it(bobs_window: MainWindow, qtbot: QtBot,
                                                               cores: dict[str, Core]) -> None:
    alice = cores["alice"]
    alices = alice.tasks.add(Task(id="", name="alices run", repository="/src", entry_point="t.py"), "vision")
    alice.lifecycle.enqueue(alices)
    cores["carol"].lifecycle.abort(alices)
    alices_draft = alice.tasks.add(Task(id="", name="alices draft", repository="/src", entry_point="t.py"), "vision")
    cores["bob"].tasks.add(Task(id="", name="bobs run", repository="/src", entry_point="t.py"), "vision")
    bobs_window.open_project("vision")
    qtbot.waitUntil(lambda: bobs_window.model.rowCount() == 3)

    select_rows(qtbot, bobs_window, "alices run")
    menu = {action.objectName(): action for action in context_menu(bobs_window).actions()}
    for refused in ("menu_reset", "menu_publish", "menu_archive", "menu_add_tag"):
        assert not menu[refused].isEnabled(), refused
        assert "alice's: only alice or a lab admin may" in menu[refused].toolTip()
    assert menu["menu_clone"].isEnabled()
    in_menu_bar = bobs_window.task_actions.qactions["reset"]  # the menu bar's and toolbar's too
    qtbot.waitUntil(lambda: "only alice or a lab admin may reset it" in in_menu_bar.toolTip())
    assert not in_menu_bar.isEnabled()
    assert "alice" not in menu["menu_abort"].toolTip()  # greyed by its status, not by the rules

    select_rows(qtbot, bobs_window, "bobs run")
    menu = {action.objectName(): action for action in context_menu(bobs_window).actions()}
    assert menu["menu_enqueue"].isEnabled() and menu["menu_delete"].isEnabled()

    bobs_window.open_task(alices)
    page = bobs_window.task_page
    qtbot.waitUntil(lambda: page.record is not None and page.record.id == alices)
    assert "Last change: aborted by carol at " in page.info.text()
    bobs_window.open_task(alices_draft)  # a Draft: editable, but not by bob
    qtbot.waitUntil(lambda: page.record is not None and page.record.id == alices_draft)
    assert not page.execution.source.edit_button.isEnabled()
    assert "alice's: only alice or a lab admin may edit it" in page.execution.source.message.text()
