"""Real git repositories for tests: one `git` runner and one factory of small committed repositories."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from tasktune_gui.execution.cache.workspace import REPOSITORY_VARIABLES


def git_environment() -> dict[str, str]:
    """This process's environment without what points git elsewhere: tests run from a git hook (GIT_DIR set)
    would otherwise commit their repositories into the one being committed to."""
    return {name: value for name, value in os.environ.items() if name not in REPOSITORY_VARIABLES}


def git(repo: Path, *argv: str) -> str:
    """Runs git in `repo` (the test session's identity applies) and returns its output, stripped."""
    return subprocess.run(["git", *argv], cwd=repo, check=True, capture_output=True, text=True,
                          env=git_environment()).stdout.strip()


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Writes each file (a path relative to `root`), making its folders; bytes are written as they are."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def commit_files(repo: Path, files: Mapping[str, str | bytes], message: str) -> Path:
    """Writes the files into the repository and commits them."""
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return repo


def make_repo(root: Path, files: Mapping[str, str | bytes], *, message: str = "first", tags: Iterable[str] = (),
              branches: Iterable[str] = ()) -> Path:
    """A repository at `root` on branch main whose one commit holds `files`, with these tags and branches at it."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    commit_files(root, files, message)
    for tag in tags:
        git(root, "tag", tag)
    for branch in branches:
        git(root, "branch", branch)
    return root
