"""The window's own worker in Docker mode: switched on in its dialog, it runs a task in a container."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tasktune_gui.app import make_window
from tasktune_gui.core.settings import Settings, settings_path
from tasktune_gui.ui.window.main_window import MainWindow
from tasktune_gui.ui.worker.docker_dialog import DockerWorkerDialog
from tests.support.runs import add_task, report

QUEUE = "docker-ui"


@pytest.fixture
def docker_window(qtbot: QtBot, sqlite_url: str, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built: MainWindow = make_window(sqlite_url, Settings(embedded_worker=False, embedded_worker_queues=[QUEUE]))
    qtbot.addWidget(built)
    yield built
    built.close()
    built.core.close()


def test_docker_mode_from_the_worker_menu(docker_window: MainWindow, qtbot: QtBot, docker_repo: Path,
                                         test_image: str) -> None:
    window = docker_window
    dialog = DockerWorkerDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.args.setText("--entrypoint sh")
    dialog.accept()  # refused: the worker chooses the entry point
    assert "--entrypoint" in dialog.error.text() and not dialog.result()
    dialog.enabled.setChecked(True)
    qtbot.keyClicks(dialog.image, test_image)
    dialog.args.setText("--env FROM_ARGS=window")
    dialog.accept()
    assert dialog.result()
    window.worker_menu.apply_docker_settings(dialog)
    assert Settings.load(settings_path()).embedded_worker_docker_image == test_image  # kept for the next start
    window.worker_toggle.setChecked(True)
    assert window.worker_label.text() == f"Worker: on {QUEUE} (1 slot(s)) in Docker ({test_image})"
    task_id = add_task(window.core, docker_repo, queue=QUEUE, entry_point="inside.py")
    qtbot.waitUntil(lambda: window.core.tasks.get(task_id).status in ("completed", "failed"), timeout=120_000)
    assert window.core.tasks.get(task_id).status == "completed", window.core.tasks.get(task_id).status_message
    seen = report(window.core, task_id)
    assert seen["dockerenv"] is True and seen["from_args"] == "window"
