"""The window in a lab: refreshing from PostgreSQL notifications, and saying when the database is away."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tasktune_gui.app import make_window
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.window.main_window import MainWindow
from tests.support.postgres import PostgresCluster

CREATE_ELSEWHERE = """
import sys
from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
core = Core.open(sys.argv[1])
print(core.tasks.add(Task(id="", name="from another machine"), "Lab", queue="default"))
"""


@pytest.fixture
def lab_window(qtbot: QtBot, postgres_url: str, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    built: MainWindow = make_window(postgres_url)
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()
    built.core.close()


def test_the_window_refreshes_on_a_notification_not_the_timer(lab_window: MainWindow, qtbot: QtBot,
                                                              postgres_url: str) -> None:
    qtbot.waitUntil(lambda: lab_window.follower.listening)  # from its first poll on
    lab_window.follower.timer.stop()  # only the notification can bring the other machine's task in now
    lab_window.open_project(None)
    before = lab_window.model.rowCount()
    created = subprocess.run([sys.executable, "-c", CREATE_ELSEWHERE, postgres_url], capture_output=True,
                             text=True, check=True).stdout.strip()
    qtbot.waitUntil(lambda: lab_window.model.rowCount() == before + 1, timeout=30_000)
    assert lab_window.core.tasks.count(TaskQuery(search=created)) == 1


def test_the_window_says_when_the_database_is_unreachable(lab_window: MainWindow, qtbot: QtBot,
                                                         postgres_cluster: PostgresCluster) -> None:
    lab_window.follower.timer.stop()
    postgres_cluster.stop()
    try:
        lab_window.follower.poll()  # no traceback from the timer: a message, and the next tick tries again
        qtbot.waitUntil(lambda: lab_window.statusBar().currentMessage().startswith("Database unreachable"),
                        timeout=30_000)
    finally:
        postgres_cluster.start_server()
    lab_window.follower.poll()
