"""Checking a desktop entry as desktops read it: desktop-file-validate (Debian's desktop-file-utils) and its keys."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.components import require_component


def desktop_file_validate(entry: Path) -> str:
    """desktop-file-validate's complaints (errors, warnings and hints); empty when the entry is clean."""
    program = shutil.which("desktop-file-validate")
    require_component("desktop-file-validate", program is not None, "install desktop-file-utils")
    assert program is not None
    done = subprocess.run([program, str(entry)], capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).strip() + ("" if done.returncode == 0 else f" (exit {done.returncode})")


def entry_values(entry: Path) -> dict[str, str]:
    lines = entry.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)
