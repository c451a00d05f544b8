"""Composition root: opens the database, seeds the demo on first start and starts the app."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from tasktune_gui.core.api import Core
from tasktune_gui.core.settings import Settings
from tasktune_gui.core.store import default_db_url


def open_core(db_url: str | None = None, seed: bool = True) -> Core:
    """The Core over the given (or default) database, with the demo project on first start."""
    core = Core.open(db_url or default_db_url())
    if seed:
        from tasktune_gui.core.demo import seed_demo

        seed_demo(core)
    return core


def make_window(db_url: str | None = None, settings: Settings | None = None, state_path: Path | None = None) -> Any:
    """The main window over the given database (not shown). Its embedded worker runs only when the
    settings passed in say so (tests pass none, so no worker starts behind their back). Its layout is
    remembered in `state_path` (default: window.ini in the user config folder)."""
    from tasktune_gui.ui.main_window import MainWindow

    return MainWindow(open_core(db_url), settings, state_path)


def has_display() -> bool:
    """Whether a window can be seen here (an offscreen Qt platform is for tests, not people)."""
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("darwin", "win32"))


def run(db_url: str | None = None) -> int:
    """Open the window; on a machine with no display, say what the database holds instead."""
    if has_display():
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setApplicationName("TaskTune")
        window = make_window(db_url, Settings.load())
        window.show()
        code = app.exec()
        window.core.close()
        return int(code)
    return summary(db_url)


def summary(db_url: str | None = None) -> int:
    """A text greeting with the projects and their task counts."""
    core = open_core(db_url)
    try:
        projects = core.projects.summaries()
        out = sys.stdout
        out.write(f"TaskTune on {core.store.display_name}\n")
        for project in projects:
            total = sum(project.counts.values())
            by_status = ", ".join(f"{n} {s}" for s, n in sorted(project.counts.items()))
            out.write(f"  {project.name}: {total} task(s){' (' + by_status + ')' if by_status else ''}\n")
        out.write("No display here, so no window. Try: tasktune list --project Demo  ·  tasktune --help\n")
    finally:
        core.close()
    return 0
