"""TaskTune installed from its wheel and its sdist into fresh environments, used as a researcher would.

One build per test session, shared; each artifact is installed once into its own environment outside the
repository with the locked versions. With warm package caches the module takes about a minute and a half on
two idle cores: the build and two installs ~20 s, each slow test (marked) 10-20 s."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tasktune_gui.cli.desktop_command import PNG_SIZES
from tasktune_gui.core.about import schema_version, tasktune_version
from tasktune_gui.core.demo import DEMO_TASKS
from tests.support.desktop import desktop_file_validate, entry_values
from tests.support.installed import (
    CONSTRAINTS,
    ROOT,
    Built,
    Installed,
    build,
    install_into_new_venv,
    tool_environment,
    uv,
)

# A machine with cold package caches downloads every dependency (PySide6 alone is over 100 MB) for the first
# install, and pip again for pipx's.
pytestmark = pytest.mark.timeout(900)
VERSION_LINE = f"TaskTune {tasktune_version()} (database schema {schema_version()})"
# Run by the installed Python: the window offscreen, as `tasktune` builds it, reporting every icon it lacks.
WINDOW_PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication(["tasktune"])
from tasktune_gui.ui.window.identity import identify
identify()
from tasktune_gui.app import make_window
window = make_window(sys.argv[1])
icons = {"app": QApplication.windowIcon()}
icons.update({f"action {key}": action.icon() for key, action in window.qactions.items()})
icons.update({f"page {window.navigation.item(row).text()}": window.navigation.item(row).icon()
              for row in range(window.navigation.count())})
print(json.dumps({"missing": sorted(name for name, icon in icons.items() if icon.pixmap(32, 32).isNull()),
                  "desktop_file": QApplication.desktopFileName(), "count": len(icons)}))
window.close()
window.core.close()
"""


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session", params=["wheel", "sdist"])
def installed(request: pytest.FixtureRequest, built: Built, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    artifact = built.wheel if request.param == "wheel" else built.sdist
    return install_into_new_venv(artifact, tmp_path_factory.mktemp(f"installed-{request.param}"))


def check(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args}: {done.stderr}"
    return done.stdout


def test_the_wheel_holds_every_file_tasktune_reads(built: Built) -> None:
    names = set(zipfile.ZipFile(built.wheel).namelist())
    shipped = {f"tasktune_gui/resources/{p.relative_to(ROOT / 'resources').as_posix()}"
               for p in (ROOT / "resources").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    migrations = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tasktune_gui/core/migrations").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts}
    assert shipped and migrations and not (shipped | migrations) - names
    dist_info = f"tasktune_gui-{tasktune_version()}.dist-info"
    assert {name.split("/")[0] for name in names} == {"tasktune_gui", dist_info}  # nothing else in site-packages


def test_installed_tasktune_runs_from_its_own_files(installed: Installed) -> None:
    where = json.loads(check(installed.run("python", "-c", (
        "import json, sys, tasktune_gui.resources as r; "
        "print(json.dumps({'package': r.__file__, 'path': sys.path}))"))))
    assert Path(where["package"]).is_relative_to(installed.venv)
    assert not [entry for entry in where["path"] if entry and Path(entry).resolve().is_relative_to(ROOT)]
    assert check(installed.run("tasktune", "--version")).strip() == VERSION_LINE


@pytest.mark.slow
def test_installed_tasktune_seeds_the_demo_and_runs_a_task_with_a_worker(installed: Installed) -> None:
    db = f"sqlite:///{installed.home / 'new.db'}"
    summary = check(installed.run("tasktune", "--db", db))  # no display: the headless summary
    assert f"Demo: {len(DEMO_TASKS)} task(s)" in summary and "1 pending" in summary
    # The demo's pending task, run to its end by the installed worker.
    check(installed.run("tasktune", "--db", db, "worker", "--queue", "default", "--once"))
    tasks = json.loads(check(installed.run("tasktune", "--db", db, "list", "--json")))
    waiting = next(task for task in tasks if task["name"] == "waiting for a worker")
    shown = json.loads(check(installed.run("tasktune", "--db", db, "show", waiting["id"], "--json")))
    assert shown["status"] == "completed", shown["status_reason"]
    assert shown["metrics"]["loss/train"] > 0 and shown["runtime"]["worker"]
    assert (shown["runtime"]["tasktune_version"], shown["runtime"]["schema_version"]) == (
        tasktune_version(), schema_version())


def test_installed_window_loads_every_icon(installed: Installed) -> None:
    db = f"sqlite:///{installed.home / 'window.db'}"
    done = installed.run("python", "-c", WINDOW_PROBE, db)
    report = json.loads(check(done))
    assert report["missing"] == [] and report["count"] > 10
    assert report["desktop_file"] == "tasktune"
    assert "missing" not in done.stderr, done.stderr


def test_installed_desktop_install_writes_a_valid_launcher(installed: Installed) -> None:
    data = installed.home / "xdg-data"
    entry = Path(check(installed.run("tasktune", "desktop", "install", XDG_DATA_HOME=str(data))).strip())
    assert entry == data / "applications" / "tasktune.desktop"
    assert desktop_file_validate(entry) == ""
    assert shlex.split(entry_values(entry)["Exec"]) == [str(installed.bin / "tasktune")]
    assert all((data / "icons/hicolor" / f"{size}x{size}" / "apps/tasktune.png").is_file() for size in PNG_SIZES)
    check(installed.run("tasktune", "desktop", "uninstall", XDG_DATA_HOME=str(data)))
    assert not entry.exists()


@pytest.mark.slow
def test_uv_tool_install_gives_a_working_tasktune(built: Built, tmp_path: Path) -> None:
    env = tool_environment(tmp_path)
    env.update(UV_TOOL_DIR=str(tmp_path / "tools"), UV_TOOL_BIN_DIR=str(tmp_path / "bin"))
    uv("tool", "install", "--quiet", "--python", sys.executable, "-c", str(CONSTRAINTS), str(built.wheel), env=env)
    tool, command = Installed(tmp_path / "tools" / "tasktune-gui", tmp_path), tmp_path / "bin" / "tasktune"
    assert command.resolve() == (tool.bin / "tasktune").resolve()  # what the user's PATH finds
    assert check(tool.run(command, "--version")).strip() == VERSION_LINE
    assert f"Demo: {len(DEMO_TASKS)} task(s)" in check(tool.run(command, "--db", f"sqlite:///{tmp_path / 'a.db'}"))


@pytest.mark.slow
def test_pipx_install_gives_a_working_tasktune(built: Built, tmp_path: Path) -> None:
    env = tool_environment(tmp_path)
    env.update(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"),
               PIPX_MAN_DIR=str(tmp_path / "man"), PIPX_DEFAULT_PYTHON=sys.executable)
    done = subprocess.run([sys.executable, "-m", "pipx", "install", "--pip-args", f"-c {CONSTRAINTS}",
                           str(built.wheel)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=900,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    tool, command = Installed(tmp_path / "pipx" / "venvs" / "tasktune-gui", tmp_path), tmp_path / "bin" / "tasktune"
    assert command.resolve() == (tool.bin / "tasktune").resolve()
    assert check(tool.run(command, "--version")).strip() == VERSION_LINE
    assert f"Demo: {len(DEMO_TASKS)} task(s)" in check(tool.run(command, "--db", f"sqlite:///{tmp_path / 'a.db'}"))
