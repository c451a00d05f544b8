"""Workers & Queues → "Trust host key…": the host's fingerprint shown, trusted only on Yes (a real sshd)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.ui.overview.workers_page import WorkersPage
from tests.support.components import require_component
from tests.support.sshd import SSHD, SshServer


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SshServer]:
    require_component("OpenSSH server", SSHD.exists(), "install openssh-server (/usr/sbin/sshd)")
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    started = SshServer(tmp_path / "sshd")
    started.start()
    yield started
    started.stop()


def test_trust_asks_with_the_fingerprint(qtbot: QtBot, sqlite_core: Core, server: SshServer) -> None:
    sqlite_core.queues.create("lab", ssh_host=server.alias)
    page = WorkersPage(sqlite_core, SshOptions(config_files=[server.ssh_config]))
    qtbot.addWidget(page)
    page.queues.setCurrentRow([page.queues.item(i).data(256) for i in range(page.queues.count())].index("lab"))
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, lambda: answer(button))  # the question comes once the host has answered
            return
        asked.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(page.buttons["trust"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "was not trusted" in page.message.text(), timeout=30_000)
    assert server.host_fingerprint in asked[0] and not server.known_hosts.exists()

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(page.buttons["trust"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("trusted"), timeout=30_000)
    assert f"[127.0.0.1]:{server.port} ssh-ed25519 " in server.known_hosts.read_text()
    qtbot.mouseClick(page.buttons["trust"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already trusted" in page.message.text(), timeout=30_000)
