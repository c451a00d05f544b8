"""Who is acting: the OS user by default, TASKTUNE_USER when a lab shares one account between people."""

from __future__ import annotations

import getpass
import os


def current_user() -> str:
    named = os.environ.get("TASKTUNE_USER", "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"
