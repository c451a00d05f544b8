"""Start-up milestones as JSON lines in the file $TASKTUNE_STARTUP_TRACE names (read by bench/bench_window.py);
with $TASKTUNE_STARTUP_TRACE_EXIT=1 the window closes once the dashboard is drawn or the database failed to open."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from tasktune_gui.ui.window.main_window import MainWindow

VARIABLE = "TASKTUNE_STARTUP_TRACE"
EXIT_VARIABLE = "TASKTUNE_STARTUP_TRACE_EXIT"
PULSE_MS = 5  # the GUI timer whose lateness is the stall while the core opens


class StartupTrace(QObject):
    """Writes when the window is shown, answers input (exposed, its event loop turning), has opened the
    database (`ready`) and has drawn the dashboard's first read (`dashboard`, with the longest the GUI thread
    was kept from a 5 ms timer meanwhile: how well the frame answers while the core loads), or failed to open."""

    def __init__(self, path: Path, window: MainWindow, exit_when_drawn: bool = False) -> None:
        super().__init__(window)
        self.path = path
        self.exit_when_drawn = exit_when_drawn
        self.window = window
        self._dashboard_seen = False
        self._exposed = QTimer(self)
        self._exposed.setInterval(1)
        self._exposed.timeout.connect(self._on_exposed_timeout)
        self._pulse = QTimer(self)
        self._pulse.setInterval(PULSE_MS)
        self._pulse.timeout.connect(self._on_pulse_timeout)
        self._last_pulse = 0.0
        self.longest_stall_ms = 0.0
        window.ready.connect(lambda: self.write("ready"))
        window.glance_drawn.connect(lambda: self.write("glance"))
        window.overview_drawn.connect(self._on_overview_drawn)
        window.open_failed.connect(self._on_open_failed)

    @classmethod
    def from_environment(cls, window: MainWindow) -> StartupTrace | None:
        path = os.environ.get(VARIABLE, "")
        return cls(Path(path), window, os.environ.get(EXIT_VARIABLE, "") == "1") if path else None

    def write(self, event: str, **figures: float) -> None:
        # Whether the core's libraries and the package metadata machinery were loaded yet: the frame is meant to
        # be shown before they are.
        line = {"event": event, "time": time.time(), "core_libraries_loaded": "sqlalchemy" in sys.modules,
                "package_metadata_loaded": "importlib.metadata" in sys.modules, **figures}
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    def shown(self) -> None:
        self.write("shown")
        self._exposed.start()  # the first turn of the event loop once the window is on screen

    def _on_exposed_timeout(self) -> None:
        handle = self.window.windowHandle()
        if handle is not None and handle.isExposed():
            self._exposed.stop()
            self.write("responsive")
            self._last_pulse = time.perf_counter()
            self._pulse.start()

    def _on_pulse_timeout(self) -> None:
        now = time.perf_counter()
        self.longest_stall_ms = max(self.longest_stall_ms, (now - self._last_pulse) * 1000 - PULSE_MS)
        self._last_pulse = now

    def _on_overview_drawn(self) -> None:
        if not self._dashboard_seen:
            self._dashboard_seen = True
            self._pulse.stop()
            self.window.repaint()  # the cards as the user sees them, not just set
            self.write("dashboard", longest_stall_ms=round(self.longest_stall_ms, 1))
            self._finish()

    def _on_open_failed(self, _message: str) -> None:
        self._pulse.stop()
        self.write("failed")
        self._finish()

    def _finish(self) -> None:
        if self.exit_when_drawn:
            QTimer.singleShot(0, self.window.close)  # after the signal's other receivers
