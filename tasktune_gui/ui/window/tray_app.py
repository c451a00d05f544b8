"""`tasktune tray` as an app: the tray icon, a window opened on demand, alive with no window open."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from shiboken6 import Shiboken

from tasktune_gui.core.api import Core
from tasktune_gui.core.settings import Settings
from tasktune_gui.execution.worker.worker import Worker
from tasktune_gui.ui.window.task_actions import TRAY_ACTIONS
from tasktune_gui.ui.worker.tray import TrayWorker, state_icon


class WindowOpener:
    """Opens the main window over the tray's Core (a new one once the last was closed), on a task's console."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.window: object | None = None

    def __call__(self, task_id: str | None) -> None:
        from tasktune_gui.ui.window.main_window import MainWindow

        window = self.window
        if not isinstance(window, MainWindow) or not Shiboken.isValid(window) or not window.isVisible():
            window = MainWindow(self.core, Settings(embedded_worker=False))  # the tray's worker runs the tasks
            # Freed once closed: the lambdas its widgets' signals hold refer back to it, a cycle through Qt that
            # Python's collector cannot see, so every window closed in a day of the tray stayed, pages and all.
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.window = window
        if task_id is not None:
            window.open_task(task_id)
            tabs = window.task_page.tabs
            tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "CONSOLE"))
        window.show()
        window.raise_()
        window.activateWindow()


def run_tray(app: QApplication, core: Core, worker: Worker, autostart_argv: list[str]) -> int:
    """Run until Quit; the worker is started and stopped here. Closing a window does not quit."""
    app.setQuitOnLastWindowClosed(False)
    worker.start()
    tray_worker = TrayWorker(core, worker, WindowOpener(core), app.quit, autostart_argv, task_actions=TRAY_ACTIONS)
    tray = QSystemTrayIcon(state_icon(tray_worker.current_state()))
    tray_worker.attach(tray)
    print(f"tasktune tray: worker {worker.id} watching {', '.join(worker.config.queues)} "
          f"with {worker.config.slot_count} slot(s); icon in the system tray", file=sys.stderr, flush=True)
    # SIGTERM (a logout, a service manager) quits as the menu's Quit does; the timer lets Python see signals.
    previous = {sig: signal.signal(sig, lambda _signum, _frame: app.quit()) for sig in (signal.SIGTERM, signal.SIGINT)}
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(200)
    try:
        return int(app.exec())
    finally:
        ticker.stop()
        worker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
