"""The app's identity on the desktop, and Help › About saying which TaskTune and schema run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from tasktune_gui.core.about import schema_version, tasktune_version
from tasktune_gui.ui.window.about import AboutDialog
from tasktune_gui.ui.window.identity import identify, identify_version
from tasktune_gui.ui.window.main_window import MainWindow


@pytest.fixture
def restored_identity(qapp: QApplication) -> Iterator[None]:
    before = (QGuiApplication.applicationName(), QGuiApplication.organizationName(),
              QGuiApplication.desktopFileName(), QGuiApplication.applicationVersion(), QGuiApplication.windowIcon())
    yield
    QGuiApplication.setApplicationName(before[0])
    QGuiApplication.setOrganizationName(before[1])
    QGuiApplication.setDesktopFileName(before[2])
    QGuiApplication.setApplicationVersion(before[3])
    QGuiApplication.setWindowIcon(before[4])


@pytest.mark.usefixtures("restored_identity")
def test_the_app_names_itself_and_its_desktop_file_and_shows_its_icon(window: MainWindow) -> None:
    identify()
    identify_version()
    assert QGuiApplication.applicationName() == "TaskTune" and QGuiApplication.organizationName() == "TaskTune"
    assert QGuiApplication.desktopFileName() == "tasktune"  # tasktune.desktop, as `desktop install` writes it
    assert QGuiApplication.applicationVersion() == tasktune_version()
    for icon in (QGuiApplication.windowIcon(), window.windowIcon()):  # the window takes the app's icon
        assert not icon.pixmap(48, 48).isNull()


def test_help_about_shows_the_version_and_schema_and_copies_them(window: MainWindow, qtbot: QtBot) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    about = next(a for a in help_menu.actions() if a.objectName() == "action_about")
    about.trigger()
    dialog = window.findChild(AboutDialog, "aboutDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.findChild(QLabel, "aboutVersion").text() == f"<b>TaskTune {tasktune_version()}</b>"
    details = dialog.findChild(QLabel, "aboutDetails").text()
    assert f"Database schema {schema_version()} · {window.core.store.display_name}" in details
    qtbot.mouseClick(dialog.findChild(QPushButton, "aboutCopy"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text().splitlines()[:2] == [
        f"TaskTune {tasktune_version()}", f"Database schema {schema_version()} · {window.core.store.display_name}"]
    dialog.close()
