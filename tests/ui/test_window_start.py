"""The window's frame is shown before its database is open, and becomes whole (or says why not) once it is."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tasktune_gui.app import open_core
from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.glance import glance
from tasktune_gui.ui.overview.dashboard_page import DashboardPage
from tasktune_gui.ui.window.main_window import PAGES, MainWindow
from tests.support.components import require_component
from tests.support.startup import trace_events, traced_environment
from tests.support.xvfb import start_xvfb


@pytest.fixture
def frame(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the demo repository is made
    window = MainWindow(None, state_path=tmp_path / "window.ini")
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_frame_answers_while_the_database_opens(frame: MainWindow, qtbot: QtBot, sqlite_url: str) -> None:
    assert not frame.attached
    assert frame.stack.currentWidget() is frame.start_page
    assert frame.start_page.message.text() == "Opening the database…"
    assert not frame.start_page.retry.isVisible()
    assert frame.database_label.text() == "Database: opening…"
    assert [frame.navigation.item(row).text() for row in range(frame.navigation.count())] == list(PAGES)
    assert not frame.worker_toggle.isEnabled()
    assert not any(action.isEnabled() for action in frame.qactions.values())  # nothing to act on yet
    gate = threading.Event()

    def opener() -> Core:
        gate.wait(10)  # the user clicks while the core is still opening
        return open_core(sqlite_url)

    frame.open_database(opener)
    item = frame.navigation.item(PAGES.index("Projects"))
    qtbot.mouseClick(frame.navigation.viewport(), Qt.MouseButton.LeftButton,
                     pos=frame.navigation.visualItemRect(item).center())
    assert frame.navigation.currentRow() == PAGES.index("Projects")
    assert [button.text() for button in frame.breadcrumbs.buttons] == ["Projects"]
    with qtbot.waitSignals([frame.ready, frame.overview_drawn], timeout=20_000):
        gate.set()
    assert frame.attached
    assert frame.stack.currentWidget() is frame.projects  # the page chosen while opening
    assert frame.database_label.text().startswith("Database: ")
    assert frame.database_label.text() != "Database: opening…"
    assert frame.worker_toggle.isEnabled()
    assert not any(action.isEnabled() for action in frame.qactions.values())  # until tasks are selected
    assert [card.title for card in frame.projects.cards][:2] == ["All projects", "Demo"]
    frame.close()
    frame.core.close()


def test_the_dashboard_shows_a_glance_at_the_file_while_the_core_opens(
        frame: MainWindow, qtbot: QtBot, sqlite_url: str) -> None:
    open_core(sqlite_url).close()  # a database with the demo in it, as a second start finds it
    frame.show_glance(glance(sqlite_url))
    glanced = frame.stack.currentWidget()
    assert isinstance(glanced, DashboardPage) and [card.title for card in glanced.cards] == ["Demo"]
    assert glanced.recent_tasks.count() > 0
    gate = threading.Event()

    def opener() -> Core:
        gate.wait(10)
        return open_core(sqlite_url)

    frame.open_database(opener)
    for page, shown in (("Projects", frame.start_page), ("Dashboard", glanced)):  # chosen while opening
        item = frame.navigation.item(PAGES.index(page))
        qtbot.mouseClick(frame.navigation.viewport(), Qt.MouseButton.LeftButton,
                         pos=frame.navigation.visualItemRect(item).center())
        assert frame.stack.currentWidget() is shown
    with qtbot.waitSignals([frame.ready, frame.overview_drawn], timeout=20_000):
        gate.set()
    assert frame.dashboard is glanced and frame.stack.currentWidget() is glanced  # the same page, now live
    assert frame.stack.indexOf(frame.projects) == PAGES.index("Projects")
    qtbot.mouseClick(glanced.cards[0], Qt.MouseButton.LeftButton)
    assert frame.current_project == "Demo" and frame.stack.currentWidget() is frame.tasks_page
    frame.close()
    frame.core.close()


def test_a_database_that_cannot_be_opened_is_said_in_the_window_and_tried_again(
        frame: MainWindow, qtbot: QtBot, sqlite_url: str) -> None:
    server_up = False

    def opener() -> Core:
        if not server_up:
            raise TaskTuneError("the database server refused the connection")
        return open_core(sqlite_url)

    with qtbot.waitSignal(frame.open_failed, timeout=10_000) as failed:
        frame.open_database(opener)
    assert failed.args == ["TaskTune could not open the database: the database server refused the connection"]
    assert frame.start_page.message.text() == failed.args[0]
    assert frame.database_label.text() == "Database: not open"
    assert isinstance(frame.open_error, TaskTuneError)
    assert not frame.attached
    assert frame.start_page.retry.isVisible()
    server_up = True  # the VPN is up now
    with qtbot.waitSignal(frame.ready, timeout=20_000):
        qtbot.mouseClick(frame.start_page.retry, Qt.MouseButton.LeftButton)
    assert frame.attached and frame.open_error is None
    assert frame.stack.currentWidget() is frame.dashboard
    frame.close()
    frame.core.close()


def test_closed_while_opening_the_core_it_opened_is_closed(frame: MainWindow, sqlite_url: str) -> None:
    opened: list[Core] = []
    closed: list[bool] = []
    gate = threading.Event()

    def opener() -> Core:
        gate.wait(10)
        core = open_core(sqlite_url)
        close = core.close
        core.close = lambda: (closed.append(True), close())[1]  # type: ignore[method-assign]
        opened.append(core)
        return core

    frame.open_database(opener)
    gate.set()
    frame.close()  # waits for the opening under way, then closes what it opened
    assert not frame.attached
    assert len(opened) == 1 and frame._opening is None
    assert closed == [True]


def test_importing_the_frame_leaves_the_core_and_pysides_import_hook_out() -> None:
    # A fresh interpreter: this test process has long imported everything.
    probe = ("import builtins, sys; "
             "import tasktune_gui.cli.main, tasktune_gui.app, tasktune_gui.ui.window.main_window; "
             "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules), "
             "builtins.__import__.__name__)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    # PySide puts its own light hook back (`__lazy_import__`, for its lazily made types); not the costly one.
    assert out.split()[0] == "[]" and out.split()[1] in ("__import__", "__lazy_import__")


@pytest.fixture
def display() -> object:
    require_component("Xvfb", shutil.which("Xvfb") is not None, "apt-get install xvfb")
    xvfb, name = start_xvfb()
    yield name
    xvfb.kill()
    xvfb.wait()


def test_tasktune_shows_its_frame_before_loading_the_core(tmp_path: Path, display: str) -> None:
    url = f"sqlite:///{tmp_path / 'tasktune.db'}"
    done = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", url],
                          env=traced_environment(tmp_path, display), capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    events = trace_events(tmp_path)
    assert set(events) >= {"shown", "responsive", "ready", "dashboard"}
    assert events["shown"]["core_libraries_loaded"] is False  # the frame came before SQLAlchemy
    assert events["shown"]["package_metadata_loaded"] is False  # and before the version's lookup
    assert events["dashboard"]["core_libraries_loaded"] is True
    assert events["shown"]["time"] <= events["dashboard"]["time"]
    assert "glance" not in events  # a new file: the core creates it and seeds the demo
    (tmp_path / "trace.jsonl").unlink()
    again = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", url],
                           env=traced_environment(tmp_path, display), capture_output=True, text=True, timeout=120,
                           check=False)
    assert again.returncode == 0, again.stderr
    events = trace_events(tmp_path)
    assert events["glance"]["core_libraries_loaded"] is False  # the dashboard's data came before SQLAlchemy
    # Drawn once the window is mapped, before the event loop's first turn paints it: the first paint has the data.
    assert events["shown"]["time"] <= events["glance"]["time"] <= events["responsive"]["time"]


def test_tasktune_says_a_database_it_cannot_open_in_the_window_and_on_one_line(tmp_path: Path, display: str) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    done = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", f"sqlite:///{folder}"],
                          env=traced_environment(tmp_path, display), capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 1
    assert "failed" in trace_events(tmp_path)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tasktune: error: "), done.stderr
