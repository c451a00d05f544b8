"""TaskTune as a user installs it: built into a wheel and an sdist, installed into a fresh environment outside
the repository with the locked versions, and run there with nothing of the source tree on its path."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "constraints.txt"
# Read before any test points HOME at a temporary folder: installs reuse the machine's package caches
# (PySide6 alone is over a hundred megabytes), so only the first run on a machine downloads.
UV_CACHE = os.environ.get("UV_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv")
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip")
BUILD_TIMEOUT_S = 600  # a machine with cold caches downloads the build backend and every dependency


def uv(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The pinned uv that scripts/setup installs beside the test tools, on the machine's cache."""
    base = env if env is not None else tool_environment()
    done = subprocess.run([sys.executable, "-m", "uv", *argv], capture_output=True, text=True, env=base,
                          cwd=base.get("HOME"), timeout=BUILD_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise AssertionError(f"uv {' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


def tool_environment(home: Path | None = None) -> dict[str, str]:
    """The environment installers run in: the real caches, no virtual environment or source tree inherited."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT")}
    env.update(UV_CACHE_DIR=UV_CACHE, PIP_CACHE_DIR=PIP_CACHE)
    if home is not None:
        env["HOME"] = str(home)
    return env


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path


def build(out: Path) -> Built:
    """`uv build`: the sdist, then the wheel built from that sdist, so a file the sdist lacks is missing from
    the wheel too."""
    uv("build", "--quiet", "--out-dir", str(out), str(ROOT))
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(out.iterdir())
    return Built(wheels[0], sdists[0])


@dataclass(frozen=True)
class Installed:
    """TaskTune installed in `venv`, run with `home` as the user's home (data, config, database)."""

    venv: Path
    home: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def environment(self, **extra: str) -> dict[str, str]:
        """A user's environment: no display (the headless summary), the folders under `home`, nothing of the
        repository on any path; uv in ~/.local/bin, where its installer puts it (a worker makes task
        environments with it in a second rather than seven with venv and pip)."""
        user_bin = self.home / ".local" / "bin"
        if not (user_bin / "uv").exists():
            user_bin.mkdir(parents=True, exist_ok=True)
            (user_bin / "uv").symlink_to(Path(sys.executable).with_name("uv"))
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("PYTHON", "VIRTUAL_ENV", "TASKTUNE_", "XDG_", "UV_", "PIP_"))
               and key not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(HOME=str(self.home), XDG_DATA_HOME=str(self.home / ".local" / "share"),
                   XDG_CONFIG_HOME=str(self.home / ".config"), XDG_CACHE_HOME=str(self.home / ".cache"),
                   QT_QPA_PLATFORM="offscreen",
                   PATH=os.pathsep.join([str(self.bin), str(user_bin), os.environ.get("PATH", "")]))
        env.update(extra)
        return env

    def run(self, program: str | Path, *argv: str, timeout: float = 180,
            **extra: str) -> subprocess.CompletedProcess[str]:
        """`program` (tasktune, python: this installation's; or a path) in the user's home, never the repository."""
        return subprocess.run([str(self.bin / program), *argv], capture_output=True, text=True,
                              env=self.environment(**extra), cwd=self.home, timeout=timeout, check=False)


def install_into_new_venv(artifact: Path, folder: Path) -> Installed:
    """A fresh virtual environment (this test run's Python) with `artifact` and the locked versions."""
    venv, home = folder / "venv", folder / "home"
    home.mkdir(parents=True)
    uv("venv", "--quiet", "--python", sys.executable, str(venv))
    uv("pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "-c", str(CONSTRAINTS), str(artifact))
    return Installed(venv, home)
