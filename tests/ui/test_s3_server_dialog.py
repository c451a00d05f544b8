"""The S3-compatible server dialog, from EXECUTION's output destination and from the Worker menu: what it saves is
what the next check and upload use."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Task
from tasktune_gui.core.settings import S3Endpoint, Settings
from tasktune_gui.ui.window.main_window import MainWindow
from tasktune_gui.ui.worker.s3_server_dialog import S3ServerDialog
from tests.support.object_stores import StoreServer, destination, new_bucket


@pytest.fixture
def https_bucket(store_env: dict[str, StoreServer]) -> str:
    """A bucket on the HTTPS server, whose settings are then forgotten: plain http and the system's CAs again.
    Made before `window`, so fsspec's I/O thread is there before the window counts threads."""
    server = store_env["s3-https"]
    uri = destination(server, new_bucket(server))
    settings = Settings.load()
    settings.s3_endpoints.clear()
    settings.save()
    return uri


def _open_dialog(window: MainWindow, qtbot: QtBot) -> S3ServerDialog:
    qtbot.waitUntil(lambda: window.findChild(S3ServerDialog, "s3ServerDialog") is not None)
    dialog = window.findChild(S3ServerDialog, "s3ServerDialog")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _click_ok(dialog: S3ServerDialog, qtbot: QtBot) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_server_settings_from_the_output_destination(https_bucket: str, store_env: dict[str, StoreServer],
                                                     window: MainWindow, qtbot: QtBot) -> None:
    server = store_env["s3-https"]
    task_id = window.core.tasks.add(Task(id="", name="trainer", repository="/r", entry_point="t.py",
                                         output_uri=https_bucket), "Stores")
    window.open_task(task_id)
    output = window.task_page.execution.output
    qtbot.mouseClick(output.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: output.check.text().startswith("Test failed"), timeout=30_000)  # http to a TLS port

    assert output.server_button.isEnabled()
    qtbot.mouseClick(output.server_button, Qt.MouseButton.LeftButton)
    dialog = _open_dialog(window, qtbot)
    assert dialog.server.currentText() == server.netloc
    assert not dialog.secure.isChecked() and not dialog.ca_file.isEnabled() and dialog.path_style.isChecked()
    dialog.secure.click()
    assert dialog.ca_file.isEnabled()
    qtbot.keyClicks(dialog.ca_file, str(server.ca_file))
    _click_ok(dialog, qtbot)
    assert not dialog.isVisible()
    assert Settings.load().s3_endpoint(server.netloc) == S3Endpoint(secure=True, ca_file=str(server.ca_file))

    qtbot.mouseClick(output.test_button, Qt.MouseButton.LeftButton)  # the worker's check reads the same settings
    qtbot.waitUntil(lambda: output.check.text().endswith("reachable and writable"), timeout=30_000)


def test_server_settings_from_the_menu_refuse_bad_input(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    window.worker_menu.s3_server_action.trigger()
    dialog = _open_dialog(window, qtbot)
    qtbot.keyClicks(dialog.server.lineEdit(), "minio.lab")
    _click_ok(dialog, qtbot)
    assert "HOST:PORT" in dialog.error.text() and dialog.isVisible()
    qtbot.keyClicks(dialog.server.lineEdit(), ":9000")
    dialog.secure.click()
    qtbot.keyClicks(dialog.ca_file, str(tmp_path / "missing.pem"))
    _click_ok(dialog, qtbot)
    assert "No CA file" in dialog.error.text() and dialog.isVisible()
    dialog.ca_file.clear()
    dialog.path_style.click()
    qtbot.keyClicks(dialog.region, "eu-west-1")
    _click_ok(dialog, qtbot)
    assert Settings.load().s3_endpoint("minio.lab:9000") == S3Endpoint(secure=True, path_style=False,
                                                                       region="eu-west-1")
    qtbot.waitUntil(lambda: window.findChild(S3ServerDialog, "s3ServerDialog") is None)  # deleted once closed

    window.worker_menu.s3_server_action.trigger()  # a saved server is listed, its settings shown when chosen
    again = _open_dialog(window, qtbot)
    assert again.server.findText("minio.lab:9000") >= 0
    again.server.setCurrentIndex(again.server.findText("minio.lab:9000"))
    assert (again.secure.isChecked(), again.path_style.isChecked(), again.region.text()) == (True, False, "eu-west-1")
    qtbot.mouseClick(again.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert not again.isVisible()
