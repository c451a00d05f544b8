"""Running git on the user's working copy for capture: argv lists through GitPython, exact bytes kept."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from git import Git
from git.exc import GitCommandNotFound

from tasktune_gui.core.errors import CaptureError


def run_git(cwd: Path, *argv: str, index_file: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run git through GitPython (an argv list, never a shell), keeping the exact bytes it prints."""
    env = {"GIT_OPTIONAL_LOCKS": "0"}  # reading must not rewrite the user's index
    if index_file is not None:
        env["GIT_INDEX_FILE"] = str(index_file)
    command = ["git", *argv]
    try:
        status, out, err = Git(cwd).execute(
            command, with_extended_output=True, with_exceptions=False, stdout_as_string=False,
            strip_newline_in_stdout=False, env=env,
        )
    except GitCommandNotFound as exc:
        raise CaptureError("git is not installed or not on PATH") from exc
    stdout = out if isinstance(out, bytes) else str(out or "").encode()
    stderr = err if isinstance(err, bytes) else str(err or "").encode()
    return subprocess.CompletedProcess(command, int(status or 0), stdout, stderr)


def git_bytes(cwd: Path, *argv: str, index_file: Path | None = None) -> bytes:
    done = run_git(cwd, *argv, index_file=index_file)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip()
        raise CaptureError(f"git {' '.join(argv[:2])} failed in '{cwd}': {message}")
    return done.stdout


def git_text(cwd: Path, *argv: str) -> str:
    return os.fsdecode(git_bytes(cwd, *argv).strip())


def git_ok(cwd: Path, *argv: str) -> str | None:
    """The output of a git command that may rightly fail (an unknown ref), or None when it did."""
    done = run_git(cwd, *argv)
    return os.fsdecode(done.stdout.strip()) if done.returncode == 0 else None
