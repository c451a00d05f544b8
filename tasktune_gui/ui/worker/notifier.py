"""A desktop notification when a task ends while the window is hidden, minimised or in the background."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from tasktune_gui.core.api import Core
from tasktune_gui.core.events import Change
from tasktune_gui.ui.common.icons import app_icon, app_icon_path
from tasktune_gui.ui.common.qt_bridge import ChangeSignals

CHECK_MS = 200
ENDED = {"completed": "completed", "failed": "failed", "aborted": "was aborted"}


class EndedTask(Protocol):
    name: str
    status: str
    status_reason: str
    status_message: str


def end_message(task: EndedTask) -> tuple[str, str] | None:
    """The notification's title and body for a task that ended; None while it has not."""
    ended = ENDED.get(task.status)
    if ended is None:
        return None
    body = task.status_reason or ("" if task.status == "completed" else task.status_message[:200])
    return f"{task.name} {ended}", body


def _send_with_tray_or_notify_send(title: str, body: str, tray: list[QSystemTrayIcon]) -> None:
    """The tray's balloon where a tray host runs, else the freedesktop `notify-send` when installed."""
    if QSystemTrayIcon.isSystemTrayAvailable():
        if not tray:
            tray.append(QSystemTrayIcon(app_icon()))
        tray[0].show()
        tray[0].showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 8000)
        return
    program = shutil.which("notify-send")
    if program:  # argv only: a task name never reaches a shell
        icon = f"--icon={app_icon_path()}"
        subprocess.Popen([program, "--app-name=TaskTune", icon, title, body], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)


class EndNotifier(QObject):
    """Watches status changes; says once per task and end which task ended, when nobody is looking."""

    def __init__(self, core: Core, window: QWidget, signals: ChangeSignals,
                 send: Callable[[str, str], None] | None = None) -> None:
        super().__init__(window)
        self.core = core
        self.window = window
        self.sent: list[tuple[str, str]] = []  # what was said, newest last
        self._tray: list[QSystemTrayIcon] = []
        self.send = send or (lambda title, body: _send_with_tray_or_notify_send(title, body, self._tray))
        self._told: dict[str, str] = {}  # task id → the end already told; forgotten when it runs again
        self._pending: set[str] = set()
        self._check = QTimer(self)
        self._check.setSingleShot(True)
        self._check.timeout.connect(self._on_check_timeout)
        signals.changed.connect(self.on_change)

    def attended(self) -> bool:
        window = self.window
        return window.isVisible() and not window.isMinimized() and window.isActiveWindow()

    def on_change(self, change: Change) -> None:
        if change.kind != "task" or change.action != "status" or self.attended():
            return
        # Read in one query a moment later: a hundred tasks ending at once cost the GUI thread one read.
        self._pending.update(change.ids)
        if not self._check.isActive():
            self._check.start(CHECK_MS)

    def _on_check_timeout(self) -> None:
        ids, self._pending = list(self._pending), set()
        for task in self.core.tasks.statuses(ids):
            message = end_message(task)
            if message is None:
                self._told.pop(task.id, None)
                continue
            end = f"{task.status} {task.completed}"  # a retry that ends again has a new end time
            if self._told.get(task.id) == end:
                continue
            self._told[task.id] = end
            self.sent.append(message)
            self.send(*message)
