"""The tray worker offscreen: its states and icons, the menu rebuilt on opening, pause/resume, notifications,
opening a task's console, start at login, and the console-worker fallback where no tray host runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.execution.worker import autostart
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tasktune_gui.ui.window.main_window import MainWindow
from tasktune_gui.ui.window.task_actions import TRAY_ACTIONS
from tasktune_gui.ui.window.tray_app import WindowOpener
from tasktune_gui.ui.worker.tray import BUSY, ERROR, IDLE, PAUSED, STATE_COLOURS, TrayWorker, state_icon
from tests.support.git import make_repo
from tests.support.postgres import PostgresCluster

HOLD_SCRIPT = "import os, time\nprint('holding', flush=True)\nwhile not os.path.exists(os.environ['GO_ON']):\n" \
              "    time.sleep(0.02)\n"


@pytest.fixture
def hold_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "source", {"hold.py": HOLD_SCRIPT}, message="hold")


def hold_task(core: Core, repo: Path, go_on: Path, name: str = "held") -> str:
    task = Task(id="", name=name, repository=str(repo), entry_point="hold.py", working_dir="")
    env = {"Environment": {"GO_ON": {"value": str(go_on), "type": "", "description": ""}}}
    return core.tasks.add(task, "tray", queue="default", hyperparameters=env)


def tray_for(core: Core, tmp_path: Path, opened: list[str | None]) -> tuple[TrayWorker, Worker, list[bool]]:
    worker = Worker(core, WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache", abort_grace=2.0,
                                       heartbeat_interval=0.2, kind="tray"))
    worker.start()
    quits: list[bool] = []
    tray = TrayWorker(core, worker, opened.append, lambda: quits.append(True), ["tasktune", "tray"],
                      task_actions=TRAY_ACTIONS)
    return tray, worker, quits


@pytest.fixture
def opened() -> list[str | None]:
    return []


@pytest.fixture
def tray(qtbot: QtBot, sqlite_core: Core, tmp_path: Path, opened: list[str | None]) -> Iterator[TrayWorker]:
    built, worker, _quits = tray_for(sqlite_core, tmp_path, opened)
    yield built
    built.quit()
    worker.stop()


def entries(tray: TrayWorker) -> list[str]:
    return [action.text() for action in tray.menu.actions() if action.text()]


def test_icons_are_drawn_in_the_state_colours(qtbot: QtBot) -> None:
    for state in (IDLE, BUSY, PAUSED, ERROR):
        image = state_icon(state).pixmap(32, 32).toImage()
        assert image.pixelColor(16, 6).name() == STATE_COLOURS[state]  # above the white marks


def test_menu_states_pause_and_notification(qtbot: QtBot, tray: TrayWorker, sqlite_core: Core,
                                            hold_repo: Path, tmp_path: Path, opened: list[str | None]) -> None:
    assert tray.state == IDLE
    tray.menu.aboutToShow.emit()
    assert "No task running" in entries(tray)
    go_on = tmp_path / "go-on"
    task_id = hold_task(sqlite_core, hold_repo, go_on)
    qtbot.waitUntil(lambda: tray.state == BUSY, timeout=30_000)
    tray.menu.aboutToShow.emit()  # rebuilt on opening: now it lists the running task
    entry = tray.action(f"trayTask_{task_id}")
    assert entry.text().startswith("held  ·  0:00:")
    tray.action(f"trayOpen_{task_id}").trigger()
    assert opened == [task_id]
    tray.action("trayPause").trigger()
    assert tray.state == PAUSED and sqlite_core.workers.is_paused(tray.worker.id)
    tray.menu.aboutToShow.emit()
    assert tray.action("trayPause").text() == "Resume taking work"
    waiting = hold_task(sqlite_core, hold_repo, go_on, name="waiting")
    go_on.touch()
    qtbot.waitUntil(lambda: tray.sent == [("held completed", "")], timeout=30_000)
    assert tray.worker.take() is None  # paused: the second task stays in its queue
    assert sqlite_core.tasks.get(waiting).status == "pending"
    tray.action("trayPause").trigger()  # now "Resume taking work"
    qtbot.waitUntil(lambda: ("waiting completed", "") in tray.sent, timeout=30_000)
    qtbot.waitUntil(lambda: tray.state == IDLE, timeout=5_000)  # the slot frees just after the status
    tray.menu.aboutToShow.emit()
    tray.action("trayOpenWindow").trigger()
    assert opened[-1] is None


def test_quit_from_the_menu(qtbot: QtBot, sqlite_core: Core, tmp_path: Path) -> None:
    built, worker, quits = tray_for(sqlite_core, tmp_path, [])
    try:
        built.action("trayQuit").trigger()
        assert quits == [True]
    finally:
        worker.stop()


def test_start_at_login_writes_and_removes_the_autostart_entry(qtbot: QtBot, tray: TrayWorker) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "tasktune-tray.desktop"
    path.unlink(missing_ok=True)
    tray.menu.aboutToShow.emit()
    login = tray.action("trayAutostart")
    assert not login.isChecked()
    login.trigger()
    assert path.exists() and "Exec=tasktune tray\n" in path.read_text()
    assert path.stat().st_mode & 0o077 == 0
    tray.menu.aboutToShow.emit()
    assert tray.action("trayAutostart").isChecked()
    tray.action("trayAutostart").trigger()
    assert not path.exists()


def test_exec_arguments_are_quoted_as_the_desktop_entry_spec_says() -> None:
    line = " ".join(autostart.exec_quote(arg) for arg in ["/opt/py 3/python", "--db", "sqlite:////a/b%20c.db", "$x"])
    assert line == '"/opt/py 3/python" --db sqlite:////a/b%%20c.db "\\\\$x"'


def test_the_cli_switches_autostart_on_and_off(sqlite_url: str) -> None:
    base = [sys.executable, "-m", "tasktune_gui.cli.main", "--db", sqlite_url, "tray", "--queue", "gpu"]
    done = subprocess.run([*base, "--slots", "2", "--autostart", "on"], capture_output=True, text=True, check=True)
    path = Path(done.stdout.strip())
    assert path == autostart.autostart_path()
    text = path.read_text()
    assert f"--db {sqlite_url} tray --queue gpu --slots 2\n" in text
    subprocess.run([*base, "--autostart", "off"], capture_output=True, text=True, check=True)
    assert not path.exists()


def test_without_a_tray_host_it_says_so_and_runs_as_a_console_worker(sqlite_core: Core, sqlite_url: str,
                                                                     tmp_path: Path, qtbot: QtBot) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen([sys.executable, "-m", "tasktune_gui.cli.main", "--db", sqlite_url, "tray",
                                "--cache-dir", str(tmp_path / "cache")], stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first.startswith("tasktune tray: no system tray here")
        qtbot.waitUntil(lambda: sqlite_core.queues.summaries()[0].workers == 1, timeout=30_000)
    finally:
        process.terminate()
        process.communicate(timeout=60)
    assert process.returncode == 0


def test_opening_a_task_shows_the_window_on_its_console(qtbot: QtBot, sqlite_core: Core) -> None:
    task_id = sqlite_core.tasks.add(Task(id="", name="shown"), "P")
    opener = WindowOpener(sqlite_core)
    opener(task_id)
    window = opener.window
    assert isinstance(window, MainWindow)
    tabs = window.task_page.tabs
    assert window.isVisible() and tabs.tabText(tabs.currentIndex()) == "CONSOLE"
    opener(None)
    assert opener.window is window  # one window while it is open
    window.close()
    qtbot.waitUntil(lambda: not Shiboken.isValid(window))  # freed once closed (tests/ui/test_released_on_close.py)


def test_the_icon_turns_red_while_the_database_is_down(qtbot: QtBot, postgres_url: str,
                                                       postgres_cluster: PostgresCluster, tmp_path: Path) -> None:
    core = Core.open(postgres_url)
    tray, worker, _quits = tray_for(core, tmp_path, [])
    try:
        assert tray.state == IDLE
        postgres_cluster.stop()
        try:
            qtbot.waitUntil(lambda: tray.state == ERROR, timeout=30_000)
            assert "database unreachable" in tray.tooltip()
        finally:
            postgres_cluster.start_server()
        qtbot.waitUntil(lambda: tray.state == IDLE, timeout=30_000)
    finally:
        tray.quit()
        worker.stop()
        core.close()


def test_a_running_tasks_entry_offers_the_windows_actions(qtbot: QtBot, tray: TrayWorker, sqlite_core: Core,
                                                        hold_repo: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = hold_task(sqlite_core, hold_repo, tmp_path / "never")
    qtbot.waitUntil(lambda: tray.state == BUSY, timeout=30_000)
    tray.menu.aboutToShow.emit()
    submenu = tray.action(f"trayTask_{task_id}").menu()
    assert [a.text() for a in submenu.actions()] == ["Open console", "Abort", "Copy ID"]  # the registry's entries
    abort = next(a for a in submenu.actions() if a.objectName() == "menu_abort")
    assert abort.isEnabled()  # Running: the core allows it
    monkeypatch.setattr(tray.task_actions, "confirm", lambda _question: True)
    abort.trigger()
    qtbot.waitUntil(lambda: sqlite_core.tasks.get(task_id).status == "aborted", timeout=30_000)
