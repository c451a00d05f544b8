"""`tasktune desktop install|uninstall`: TaskTune in the application menu (an XDG desktop entry and its icon)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import platformdirs

from tasktune_gui.core.about import APP_NAME, DESKTOP_FILE_NAME, ICON_NAME
from tasktune_gui.core.assets import asset_path
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.passwords import WHERE_TO_KEEP, has_password, without_password
from tasktune_gui.execution.worker.autostart import exec_quote

ENTRY_FILE = f"{DESKTOP_FILE_NAME}.desktop"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)  # rendered by scripts/render_app_icon.py


class DesktopUnsupported(TaskTuneError):
    """This system has no XDG application menu to put a launcher in."""


def add_parser(commands: Any) -> None:
    desktop = commands.add_parser("desktop", help="put TaskTune in the desktop's application menu, or take it out")
    actions = desktop.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(desktop))
    install = actions.add_parser(
        "install", help="write a launcher (desktop entry and icons) into your data folder; with --db it opens "
                        "that database")
    install.set_defaults(handler=_install)
    actions.add_parser("uninstall", help="remove the launcher and its icons").set_defaults(handler=_uninstall)


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share: where a user's own applications and icons live."""
    return Path(platformdirs.user_data_dir())


def entry_path() -> Path:
    return data_home() / "applications" / ENTRY_FILE


def icon_paths() -> dict[Path, Path]:
    """Where each icon goes in the user's hicolor theme → the shipped file it is copied from."""
    theme = data_home() / "icons" / "hicolor"
    paths = {theme / "scalable" / "apps" / f"{ICON_NAME}.svg": asset_path("icons", f"{ICON_NAME}.svg")}
    for size in PNG_SIZES:
        paths[theme / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"] = asset_path("icons", "png",
                                                                                    f"{ICON_NAME}-{size}.png")
    return paths


def launch_argv(db_url: str | None) -> list[str]:
    """This installation's `tasktune` (beside the interpreter running it: a uv tool's, pipx's or a venv's),
    else the interpreter with `-m tasktune_gui`; the database when one was named."""
    script = Path(sys.executable).parent / "tasktune"
    argv = [str(script)] if script.is_file() else [sys.executable, "-m", "tasktune_gui"]
    return argv + (["--db", without_password(db_url)] if db_url else [])  # a password is never written


def entry_text(argv: list[str]) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",  # the newest desktop-file-validate 0.26 (Debian 12) knows
        f"Name={APP_NAME}",
        "GenericName=Experiment runner",
        "Comment=Clone, tune, enqueue and run machine-learning tasks",
        "Exec=" + " ".join(exec_quote(arg) for arg in argv),
        "TryExec=" + argv[0].replace("\\", "\\\\"),  # the menu hides the entry once that installation is gone
        f"Icon={ICON_NAME}",
        "Terminal=false",
        "Categories=Development;",
        "Keywords=machine learning;experiment;task;queue;worker;",
        "StartupNotify=true",
        f"StartupWMClass={APP_NAME}",  # Qt's X11 window class is the application name
        "",
    ])


def install(db_url: str | None) -> Path:
    """Write the entry and the icons; an entry that names a database is readable by the user only (its URL
    names the login; the password is left out)."""
    _require_xdg()
    for target, source in icon_paths().items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    path = entry_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if db_url else 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(entry_text(launch_argv(db_url)))
    return path


def uninstall() -> bool:
    """Remove the entry and the icons; False when there was no entry."""
    _require_xdg()
    for target in icon_paths():
        target.unlink(missing_ok=True)
    path = entry_path()
    if not path.exists():
        return False
    path.unlink()
    return True


def _require_xdg() -> None:
    if sys.platform in ("darwin", "win32"):
        raise DesktopUnsupported("tasktune desktop writes a freedesktop (XDG) launcher, for Linux and BSD desktops")


def _install(args: argparse.Namespace) -> int:
    db_url = args.db or os.environ.get("TASKTUNE_DB") or None
    path = install(db_url)
    print(path)
    if db_url and has_password(db_url):
        print(f"tasktune: the database password was not saved in the launcher; {WHERE_TO_KEEP}", file=sys.stderr)
    print(f"{APP_NAME} is in your application menu (it may take a moment to show); "
          "`tasktune desktop uninstall` removes it", file=sys.stderr)
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    removed = uninstall()
    print(f"removed {entry_path()}" if removed else f"no launcher to remove at {entry_path()}", file=sys.stderr)
    return 0
