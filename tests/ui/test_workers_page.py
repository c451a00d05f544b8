"""Workers & Queues: a queue's tasks in run order, reordered and dequeued by clicking; queues made and refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Task
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.ui.overview.slurm_dialog import SlurmDialog
from tasktune_gui.ui.window.main_window import PAGES, MainWindow
from tests.support.dialogs import type_into_input_dialog


def names(window: MainWindow) -> list[str]:
    entries = window.workers_page.entries
    return [entries.item(i).text().split("  ")[0].split(". ", 1)[1] for i in range(entries.count())]


def test_reorder_and_dequeue(window: MainWindow, qtbot: QtBot) -> None:
    core = window.core
    for name in ("second", "third"):
        core.lifecycle.enqueue(core.tasks.add(Task(id="", name=name), "Demo"))
    page = window.workers_page
    assert page.queues.count() == 0  # not read at start-up: the window opens on the dashboard
    window.navigation.setCurrentRow(PAGES.index("Workers & Queues"))
    qtbot.waitUntil(lambda: names(window) == ["waiting for a worker", "second", "third"])
    page.entries.setCurrentRow(2)
    qtbot.mouseClick(page.buttons["front"], Qt.MouseButton.LeftButton)
    assert names(window) == ["third", "waiting for a worker", "second"]
    page.entries.setCurrentRow(1)
    qtbot.mouseClick(page.buttons["down"], Qt.MouseButton.LeftButton)
    assert names(window) == ["third", "second", "waiting for a worker"]
    page.entries.setCurrentRow(0)
    qtbot.mouseClick(page.buttons["dequeue"], Qt.MouseButton.LeftButton)
    assert names(window) == ["second", "waiting for a worker"]


def select_queue(window: MainWindow, name: str) -> None:
    page = window.workers_page
    page.refresh()
    queue_names = [page.queues.item(i).data(256) for i in range(page.queues.count())]
    page.queues.setCurrentRow(queue_names.index(name))


def confirm() -> None:
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()


def test_new_queue_and_a_refused_delete(window: MainWindow, qtbot: QtBot) -> None:
    page = window.workers_page

    QTimer.singleShot(0, lambda: type_into_input_dialog("gpu"))
    qtbot.mouseClick(page.buttons["new"], Qt.MouseButton.LeftButton)
    assert [q.name for q in window.core.queues.summaries()] == ["default", "gpu"]
    select_queue(window, "default")
    QTimer.singleShot(0, confirm)
    qtbot.mouseClick(page.buttons["delete"], Qt.MouseButton.LeftButton)
    assert "cannot be deleted" in page.message.text()


def test_bind_a_queue_to_an_ssh_host(window: MainWindow, qtbot: QtBot) -> None:
    page = window.workers_page
    window.core.queues.create("gpu")
    select_queue(window, "gpu")

    QTimer.singleShot(0, lambda: type_into_input_dialog("gpu1"))
    qtbot.mouseClick(page.buttons["host"], Qt.MouseButton.LeftButton)
    assert {q.name: q.ssh_host for q in window.core.queues.summaries()}["gpu"] == "gpu1"
    assert page.queues.currentItem().text().endswith("on ssh:gpu1")
    QTimer.singleShot(0, lambda: type_into_input_dialog("-oProxyCommand=x"))
    qtbot.mouseClick(page.buttons["host"], Qt.MouseButton.LeftButton)
    assert "not an SSH host alias" in page.message.text()
    QTimer.singleShot(0, lambda: type_into_input_dialog(""))
    qtbot.mouseClick(page.buttons["host"], Qt.MouseButton.LeftButton)
    assert {q.name: q.ssh_host for q in window.core.queues.summaries()}["gpu"] == ""


def test_the_page_is_read_again_only_when_something_changed(window: MainWindow, qtbot: QtBot,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.workers_page
    window.navigation.setCurrentRow(PAGES.index("Workers & Queues"))
    qtbot.waitUntil(lambda: page.queues.count() > 0)
    reads: list[int] = []
    real_refresh = page.refresh
    monkeypatch.setattr(page, "refresh", lambda: (reads.append(1), real_refresh()))
    window.navigation.setCurrentRow(PAGES.index("Dashboard"))
    window.navigation.setCurrentRow(PAGES.index("Workers & Queues"))
    assert reads == []  # nothing changed meanwhile
    window.navigation.setCurrentRow(PAGES.index("Dashboard"))
    window.core.queues.create("gpu")
    qtbot.waitUntil(lambda: window._workers_page_stale)
    window.navigation.setCurrentRow(PAGES.index("Workers & Queues"))
    assert reads == [1]


def test_bind_a_queue_to_a_slurm_partition(window: MainWindow, qtbot: QtBot) -> None:
    page = window.workers_page
    window.core.queues.create("hpc")
    select_queue(window, "hpc")

    def fill(values: dict[str, str], then_cancel: bool = False) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SlurmDialog)
        for key, value in values.items():
            edit = dialog.edits.get(key, dialog.sbatch)
            edit.clear()
            qtbot.keyClicks(edit, value)
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)
        if then_cancel:  # refused: the dialog stays open with the reason
            assert dialog.isVisible() and "is not allowed" in dialog.error.text()
            dialog.reject()

    QTimer.singleShot(0, lambda: fill({"partition": "gpu", "time": "4:00:00", "cpus": "8",
                                       "sbatch": "constraint=a100"}))
    qtbot.mouseClick(page.buttons["slurm"], Qt.MouseButton.LeftButton)
    assert window.core.queues.slurm_options("hpc") == SlurmOptions("gpu", time="4:00:00", cpus="8",
                                                                   sbatch={"constraint": "a100"})
    assert page.queues.currentItem().text().endswith("on slurm:gpu")
    QTimer.singleShot(0, lambda: fill({"sbatch": "output=/tmp/x"}, then_cancel=True))
    qtbot.mouseClick(page.buttons["slurm"], Qt.MouseButton.LeftButton)
    assert window.core.queues.slurm_options("hpc") is not None  # unchanged
    QTimer.singleShot(0, lambda: fill({"partition": ""}))
    qtbot.mouseClick(page.buttons["slurm"], Qt.MouseButton.LeftButton)
    assert window.core.queues.slurm_options("hpc") is None
