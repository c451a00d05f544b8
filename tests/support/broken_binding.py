"""A throwaway environment with PySide6 6.12.0 on Python 3.11: the binding that loses a reference to None."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ("PySide6-Essentials==6.12.0", "shiboken6==6.12.0")
# Read now: the tests' autouse fixture points HOME at a temporary folder, where neither uv's cache nor pyenv is.
UV_CACHE = Path(os.environ.get("UV_CACHE_DIR") or Path.home() / ".cache" / "uv")
PYENV_PYTHONS = sorted(glob.glob(str(Path.home() / ".pyenv" / "versions" / "3.11.*" / "bin" / "python")))


def python_311() -> str | None:
    """A Python 3.11 interpreter (the one the binding breaks on): this one, python3.11 on PATH, or pyenv's."""
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    return shutil.which("python3.11") or (PYENV_PYTHONS[-1] if PYENV_PYTHONS else None)


def make_broken_env(folder: Path, python: str) -> Path:
    """A venv in `folder` with TaskTune's locked libraries but PySide6 6.12.0 (TaskTune itself is run from the
    repository through PYTHONPATH: its package refuses that version); returns its python."""
    env = {**os.environ, "UV_CACHE_DIR": str(UV_CACHE)}
    uv = [sys.executable, "-m", "uv"]
    subprocess.run([*uv, "venv", "-q", "--python", python, str(folder)], env=env, check=True)
    # TaskTune's own requirements at their locked versions for Python 3.11 (whatever Python runs the tests: the
    # lock's markers pick), bar the binding.
    binding = re.compile(r"(?i)\s*(pyside6|shiboken6)")
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    requirements = folder / "requirements.txt"
    requirements.write_text("\n".join([*(d for d in dependencies if not binding.match(d)), *BROKEN]) + "\n")
    constraints = folder / "constraints.txt"
    locked = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    constraints.write_text("\n".join(line for line in locked if line.strip() and not binding.match(line)) + "\n")
    target = folder / "bin" / "python"
    subprocess.run([*uv, "pip", "install", "-q", "--python", str(target), "-r", str(requirements), "-c",
                    str(constraints)], env=env, check=True)
    return target


def run_environment(display: str | None = None) -> dict[str, str]:
    """The environment to run `python -m tasktune_gui` from the repository with the broken env's python."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if display is not None:
        env["DISPLAY"] = display
        env.pop("QT_QPA_PLATFORM", None)
    return env
