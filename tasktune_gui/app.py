"""Composition root: opens the database, seeds the demo on first start and starts the app."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasktune_gui.core.settings import Settings

if TYPE_CHECKING:  # loaded on the window's thread, after its frame is shown (see `run`)
    from tasktune_gui.core.api import Core
    from tasktune_gui.core.summaries import Overview


def open_core(db_url: str | None = None, seed: bool = True) -> Core:
    """The Core over the given (or default) database, with the demo project on first start."""
    from tasktune_gui.core.api import Core
    from tasktune_gui.core.settings import default_db_url

    core = Core.open(db_url or default_db_url())
    if seed:
        from tasktune_gui.core.demo import seed_demo

        seed_demo(core)
    return core


def make_window(db_url: str | None = None, settings: Settings | None = None, state_path: Path | None = None) -> Any:
    """The main window over the given database (not shown). Its embedded worker runs only when the
    settings passed in say so (tests pass none, so no worker starts behind their back). Its layout is
    remembered in `state_path` (default: window.ini in the user config folder)."""
    from tasktune_gui.ui.window.main_window import MainWindow

    return MainWindow(open_core(db_url), settings, state_path)


def has_display() -> bool:
    """Whether a window can be seen here (an offscreen Qt platform is for tests, not people)."""
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("darwin", "win32"))


def run(db_url: str | None = None, check: Callable[[], None] | None = None) -> int:
    """Open the window; on a machine with no display, say what the database holds instead. `check` refuses a
    malformed URL (raising): before the summary, or on the window's thread before the database is opened.

    The window's frame is shown first and the core is opened on a thread, so the window answers at once
    while SQLAlchemy and the tables load; an error opening it is said in the window, then raised here."""
    if not has_display():
        if check is not None:
            check()
        return summary(db_url)
    from PySide6.QtWidgets import QApplication

    from tasktune_gui.ui.window.binding_check import check_binding
    from tasktune_gui.ui.window.identity import identify, identify_version
    from tasktune_gui.ui.window.main_window import MainWindow
    from tasktune_gui.ui.window.startup_trace import StartupTrace

    check_binding()  # a binding known to crash long sessions is refused before anything is built
    app = QApplication.instance() or QApplication(sys.argv[:1])
    identify()
    window = MainWindow(None, Settings.load())
    trace = StartupTrace.from_environment(window)
    window.show()
    if trace is not None:
        trace.shown()
    # The desktop maps the window while the dashboard is read and drawn into it, before its first paint (on the
    # event loop's first turn): the first frame painted carries the dashboard's data.
    first = first_glance(db_url)
    if first is not None:
        window.show_glance(first)

    def open_checked() -> Core:
        if check is not None:
            check()
        from tasktune_gui.core.about import tasktune_version

        tasktune_version()  # read here, off the GUI thread, for `identify_version` once the core is open
        return open_core(db_url)

    window.ready.connect(identify_version)
    window.open_database(open_checked)
    code = app.exec()
    if window.attached:
        window.core.close()
    if window.open_error is not None:
        raise window.open_error
    return int(code)


def first_glance(db_url: str | None) -> Overview | None:
    """The dashboard's data read from a SQLite file without SQLAlchemy (see `core/glance.py`), or None."""
    from tasktune_gui.core.errors import InvalidValue
    from tasktune_gui.core.glance import glance
    from tasktune_gui.core.settings import default_db_url

    try:
        return glance(db_url or default_db_url())
    except InvalidValue:  # an empty $TASKTUNE_DB: the core's open says so in the window
        return None


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
