"""The per-run working copy: a real git checkout of the exact commit, borrowing the mirror's objects."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tasktune_gui.execution.cache.workspace import MirrorCache, Source, prepare_workspace
from tasktune_gui.execution.errors import StepFailed
from tests.support.git import git


def make_source(tmp_path: Path) -> tuple[Path, str, str]:
    source = tmp_path / "source"
    (source / "bin").mkdir(parents=True)
    (source / "train.py").write_text("print('v1')\n")
    (source / "bin" / "run.sh").write_text("#!/bin/sh\necho run\n")
    os.chmod(source / "bin" / "run.sh", 0o755)
    os.symlink("train.py", source / "link.py")
    git(tmp_path, "init", "-q", "-b", "main", str(source))
    git(source, "add", ".")
    git(source, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    first = git(source, "rev-parse", "HEAD")
    (source / "train.py").write_text("print('v2')\n")
    git(source, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "two")
    return source, first, git(source, "rev-parse", "HEAD")


def test_checkout_is_a_clean_git_working_copy_of_the_commit(tmp_path: Path) -> None:
    source, first, _ = make_source(tmp_path)
    cache = MirrorCache(tmp_path / "cache")
    work = tmp_path / "run" / "repo"
    assert prepare_workspace(cache, Source(str(source), commit=first), "", work) == first
    assert (work / "train.py").read_text() == "print('v1')\n"
    assert os.access(work / "bin" / "run.sh", os.X_OK)  # modes kept
    assert os.readlink(work / "link.py") == "train.py"  # symlinks kept
    # Scripts that log their commit, status or origin find an ordinary repository.
    assert git(work, "rev-parse", "HEAD") == first
    assert git(work, "status", "--porcelain") == ""
    assert git(work, "remote", "get-url", "origin") == str(source)
    assert not (work / ".git" / "objects" / "pack").exists() or not any((work / ".git" / "objects" / "pack").iterdir())


def test_a_worker_started_with_git_dir_set_leaves_that_repository_alone(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    source, first, _ = make_source(tmp_path)
    other = tmp_path / "dotfiles"
    git(tmp_path, "init", "-q", "-b", "main", str(other))
    (other / "rc").write_text("x\n")
    git(other, "add", ".")
    git(other, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "mine")
    before = (git(other, "rev-parse", "HEAD"), git(other, "ls-files"), git(other, "config", "core.bare"))
    # As a git hook or a dotfiles setup leaves them for a worker started there.
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    work = tmp_path / "run" / "repo"
    assert prepare_workspace(MirrorCache(tmp_path / "cache"), Source(str(source), commit=first), "", work) == first
    assert (work / "train.py").read_text() == "print('v1')\n"
    assert (git(other, "rev-parse", "HEAD"), git(other, "ls-files"), git(other, "config", "core.bare")) == before


def test_the_diff_applies_and_shows_as_a_change(tmp_path: Path) -> None:
    source, _, head = make_source(tmp_path)
    diff = subprocess.run(["git", "diff"], cwd=source, capture_output=True, text=True, check=True).stdout
    assert diff == ""
    (source / "train.py").write_text("print('tuned')\n")
    diff = subprocess.run(["git", "diff"], cwd=source, capture_output=True, text=True, check=True).stdout
    work = tmp_path / "run" / "repo"
    prepare_workspace(MirrorCache(tmp_path / "cache"), Source(str(source), commit=head), diff, work)
    assert (work / "train.py").read_text() == "print('tuned')\n"
    assert git(work, "status", "--porcelain") == "M train.py"


def test_unknown_commit_fails_naming_the_step(tmp_path: Path) -> None:
    source, _, _ = make_source(tmp_path)
    with pytest.raises(StepFailed, match="failed checking out 0{40}"):
        prepare_workspace(MirrorCache(tmp_path / "cache"), Source(str(source), commit="0" * 40), "", tmp_path / "w")
