"""A task that ends while the window is hidden or in the background gets a desktop notification, once."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Task
from tasktune_gui.ui.window.main_window import MainWindow


def running_task(window: MainWindow, name: str) -> str:
    core = window.core
    task_id = core.tasks.add(Task(id="", name=name, repository="/r", entry_point="t.py"), "Notify", queue="default")
    while (popped := core.queues.pop(["default"], worker="test")) is not None and popped != task_id:
        pass
    assert core.tasks.get(task_id).status == "running"
    return task_id


def test_hidden_window_is_told_once_when_a_task_fails(window: MainWindow, qtbot: QtBot) -> None:
    said: list[tuple[str, str]] = []
    window.notifier.send = lambda title, body: said.append((title, body))
    task_id = running_task(window, "resnet sweep 3")
    window.hide()
    window.core.lifecycle.fail(task_id, "exit code 3", "CUDA out of memory", 3)
    qtbot.waitUntil(lambda: said == [("resnet sweep 3 failed", "exit code 3")])
    window.core.tasks.rename(task_id, "renamed")  # a later change to an ended task says nothing new
    window.core.lifecycle.archive(task_id)
    window.core.lifecycle.restore(task_id)
    QApplication.processEvents()  # the queued change signals are delivered
    assert said == [("resnet sweep 3 failed", "exit code 3")]
    # Retried and failed again: a new end, told again.
    window.core.lifecycle.retry(task_id)
    assert window.core.queues.pop(["default"], worker="test") == task_id
    window.core.lifecycle.complete(task_id, exit_code=0)
    qtbot.waitUntil(lambda: len(said) == 2)
    assert said[-1] == ("renamed completed", "")


def test_a_window_in_use_is_not_interrupted(window: MainWindow, qtbot: QtBot) -> None:
    said: list[tuple[str, str]] = []
    window.notifier.send = lambda title, body: said.append((title, body))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    task_id = running_task(window, "watched")
    window.core.lifecycle.complete(task_id, exit_code=0)
    QApplication.processEvents()
    assert said == []
