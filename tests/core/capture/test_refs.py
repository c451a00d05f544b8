"""The commit chooser's lists: branches, tags and recent commits of a local repository, refs of a URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.capture.refs import list_refs
from tests.support.git import git, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Three commits of train.py on main, the last tagged v1.0 and branched to experiment."""
    root = make_repo(tmp_path / "repo", {"train.py": "print(0)\n"}, message="step 0")
    for n in (1, 2):
        (root / "train.py").write_text(f"print({n})\n")
        git(root, "commit", "-qam", f"step {n}")
    git(root, "tag", "v1.0")
    git(root, "branch", "experiment")
    return root


def test_local_repository_lists_branches_tags_and_recent_commits(repo: Path) -> None:
    refs = list_refs(str(repo), limit=2)
    assert refs.error == ""
    assert sorted(refs.branches) == ["experiment", "main"]
    assert refs.tags == ["v1.0"]
    head = git(repo, "rev-parse", "HEAD")
    assert refs.commits[0] == (head, "step 2")
    assert len(refs.commits) == 2


def test_a_url_lists_its_branches_and_tags(repo: Path) -> None:
    refs = list_refs(f"file://{repo}")
    assert refs.error == ""
    assert sorted(refs.branches) == ["experiment", "main"]
    assert refs.tags == ["v1.0"]
    assert refs.commits == []


def test_an_unreachable_repository_says_why(tmp_path: Path) -> None:
    refs = list_refs(f"file://{tmp_path}/nowhere")
    assert refs.error.startswith(f"cannot read file://{tmp_path}/nowhere")
    assert list_refs("").error == "the task names no repository"
