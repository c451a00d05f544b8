"""The commit chooser's lists: branches, tags and recent commits of a local repository, refs of a URL."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tasktune_gui.core.capture.refs import list_refs


def git(repo: Path, *argv: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *argv], cwd=repo, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for n in range(3):
        (repo / "train.py").write_text(f"print({n})\n")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", f"step {n}")
    git(repo, "tag", "v1.0")
    git(repo, "branch", "experiment")
    return repo


def test_local_repository_lists_branches_tags_and_recent_commits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    refs = list_refs(str(repo), limit=2)
    assert refs.error == ""
    assert sorted(refs.branches) == ["experiment", "main"]
    assert refs.tags == ["v1.0"]
    head = git(repo, "rev-parse", "HEAD")
    assert refs.commits[0] == (head, "step 2")
    assert len(refs.commits) == 2


def test_a_url_lists_its_branches_and_tags(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    refs = list_refs(f"file://{repo}")
    assert refs.error == ""
    assert sorted(refs.branches) == ["experiment", "main"]
    assert refs.tags == ["v1.0"]
    assert refs.commits == []


def test_an_unreachable_repository_says_why(tmp_path: Path) -> None:
    refs = list_refs(f"file://{tmp_path}/nowhere")
    assert refs.error.startswith(f"cannot read file://{tmp_path}/nowhere")
    assert list_refs("").error == "the task names no repository"
