"""Which commit a task records when the working copy has commits its remote lacks, and what its diff carries."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.core.capture import capture
from tasktune_gui.core.capture.local_commits import carried_count
from tests.support.git import git, make_repo


def remote_and_clone(tmp_path: Path) -> tuple[Path, Path]:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    (clone / "train.py").write_text("print(1)\n")
    git(clone, "add", ".")
    git(clone, "commit", "-q", "-m", "pushed")
    git(clone, "push", "-q", "origin", "main")
    return remote, clone


def test_a_relative_remote_path_is_recorded_as_an_absolute_one(tmp_path: Path) -> None:
    remote, clone = remote_and_clone(tmp_path)
    git(clone, "remote", "set-url", "origin", "../remote.git")
    found = capture("train.py", cwd=clone)
    assert found.repository == str(remote) and found.local_commits == 0 and found.diff == ""


def test_a_chosen_local_commit_carries_the_commits_up_to_it(tmp_path: Path) -> None:
    _, clone = remote_and_clone(tmp_path)
    pushed = git(clone, "rev-parse", "HEAD")
    (clone / "train.py").write_text("print(2)\n")
    git(clone, "commit", "-q", "-am", "local one")
    chosen = git(clone, "rev-parse", "HEAD")
    (clone / "train.py").write_text("print(3)\n")
    git(clone, "commit", "-q", "-am", "local two")
    found = capture("train.py", cwd=clone, commit=chosen)
    assert (found.commit, found.local_commits, carried_count(found.diff)) == (pushed, 1, 1)
    assert "+print(2)" in found.diff and "print(3)" not in found.diff
    assert "local one" in found.diff.split("diff --git")[0]  # the header names the commits it carries


def test_a_remote_that_has_none_of_the_history_leaves_the_local_path(tmp_path: Path) -> None:
    remote, _ = remote_and_clone(tmp_path)  # an unrelated history
    root = make_repo(tmp_path / "alone", {"train.py": "print(1)\n"}, message="never pushed")
    git(root, "remote", "add", "origin", str(remote))
    git(root, "fetch", "-q", "origin")
    found = capture("train.py", cwd=root)
    assert (found.repository, found.commit, found.local_commits) == (str(root.resolve()), git(root, "rev-parse",
                                                                                              "HEAD"), 0)


def test_local_commits_that_change_nothing_leave_no_diff(tmp_path: Path) -> None:
    _, clone = remote_and_clone(tmp_path)
    pushed = git(clone, "rev-parse", "HEAD")
    (clone / "train.py").write_text("print(2)\n")
    git(clone, "commit", "-q", "-am", "try")
    git(clone, "revert", "--no-edit", "HEAD")
    found = capture("train.py", cwd=clone)
    assert (found.commit, found.diff, found.local_commits) == (pushed, "", 0)
