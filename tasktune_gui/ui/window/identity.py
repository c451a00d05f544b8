"""TaskTune's identity on the desktop: its names, desktop file and icon, then its version."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from tasktune_gui.core.about import APP_NAME, DESKTOP_FILE_NAME, ORGANIZATION, tasktune_version
from tasktune_gui.ui.common.icons import app_icon


def identify() -> None:
    """Once the application exists, before its first window: the desktop groups TaskTune's windows under its
    launcher (tasktune.desktop), and the windows, the taskbar and the tray's messages show its icon. The version
    is `identify_version`'s: reading it loads the package metadata machinery, which the frame need not wait for."""
    QGuiApplication.setApplicationName(APP_NAME)
    QGuiApplication.setOrganizationName(ORGANIZATION)
    QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)
    QGuiApplication.setWindowIcon(app_icon())


def identify_version() -> None:
    """The application's version, once the frame is up (nothing on the desktop shows it before)."""
    QGuiApplication.setApplicationVersion(tasktune_version())
