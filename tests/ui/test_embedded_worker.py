"""The window's own worker runs the demo's pending task to the end, with its console in the task page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tasktune_gui.app import make_window
from tasktune_gui.core.settings import Settings
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.window.main_window import MainWindow


@pytest.fixture
def working_window(qtbot: QtBot, sqlite_url: str, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built: MainWindow = make_window(sqlite_url, Settings(embedded_worker=True), tmp_path / "window.ini")
    qtbot.addWidget(built)
    built.show()  # a hidden console reads nothing
    yield built
    built.close()
    built.core.close()


def test_the_embedded_worker_runs_the_pending_demo_task(working_window: MainWindow, qtbot: QtBot) -> None:
    window = working_window
    assert window.worker_toggle.isChecked()
    # Started on the event loop's first turn, once the window is up (pytest-qt may already have turned it).
    qtbot.waitUntil(lambda: window.worker_label.text() == "Worker: on default (1 slot(s))")
    task = window.core.tasks.query(TaskQuery(project="Demo", search="waiting"))[0]
    window.open_task(task.id)
    window.task_page.tabs.setCurrentWidget(window.task_page.console)
    qtbot.waitUntil(lambda: window.core.tasks.get(task.id).status in ("completed", "failed"), timeout=120_000)
    record = window.core.task_json(task.id)
    assert record["status"] == "completed", record["status_message"]
    qtbot.waitUntil(lambda: "epoch 20/20" in window.task_page.console.text.text(), timeout=10_000)


def test_switching_the_worker_off(working_window: MainWindow) -> None:
    working_window.worker_toggle.setChecked(False)
    assert working_window.worker_label.text() == "Worker: off"
    assert not working_window.embedded_worker.running
