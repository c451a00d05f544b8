"""Starting the tray worker at login: an XDG autostart entry in the user's config folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from tasktune_gui.core.passwords import without_password

ENTRY_NAME = "tasktune-tray.desktop"
# Characters the desktop entry spec says an Exec argument must be quoted for.
RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def autostart_path() -> Path:
    """~/.config/autostart/tasktune-tray.desktop, or under $XDG_CONFIG_HOME."""
    return Path(platformdirs.user_config_dir()) / "autostart" / ENTRY_NAME


def tray_argv(db_url: str, tray_args: list[str]) -> list[str]:
    """The command that starts this installation's tray worker, by the interpreter that runs it now. The URL
    goes without its password: at login the password comes from ~/.pgpass, the keyring or the environment."""
    return [sys.executable, "-m", "tasktune_gui.cli.main", "--db", without_password(db_url), "tray", *tray_args]


def exec_quote(argument: str) -> str:
    """One Exec argument as the desktop entry spec wants it: quoted when needed, % doubled."""
    if argument and not RESERVED.intersection(argument):
        quoted = argument
    else:
        escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in argument)
        quoted = f'"{escaped}"'
    # Exec is also a string value, whose own escape doubles every backslash.
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def entry_text(argv: list[str]) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=TaskTune worker",
        "Comment=Runs queued TaskTune tasks, with an icon in the system tray",
        "Exec=" + " ".join(exec_quote(arg) for arg in argv),
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def enable(argv: list[str]) -> Path:
    """Write the entry (readable by the user only: the database URL may hold a password)."""
    path = autostart_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(entry_text(argv))
    return path


def disable() -> bool:
    """Remove the entry; False when there was none."""
    path = autostart_path()
    if not path.exists():
        return False
    path.unlink()
    return True


def enabled() -> bool:
    return autostart_path().exists()
