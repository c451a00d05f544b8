"""Capturing a task's source from real git working copies made in temporary folders."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest

from tasktune_gui.core.capture import ArgSpec, capture
from tasktune_gui.core.errors import CaptureError, InvalidValue, NotAGitRepository, ScriptOutsideRepository
from tests.support.git import git, make_repo, write_files

TRAIN_V1 = textwrap.dedent(
    """
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    """
)
TRAIN_V2 = TRAIN_V1 + 'parser.add_argument("--epochs", type=int, default=3)\n'


def write(path: Path, text: str | bytes) -> Path:
    write_files(path.parent, {path.name: text})
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository on branch main with two commits: v1 (tagged) and v2 of train.py."""
    root = make_repo(tmp_path.resolve() / "repo", {
        "train.py": TRAIN_V1, ".gitignore": "*.log\ncheckpoints/\n", "requirements.txt": "numpy==1.26.4\n",
        "src/model.py": "WIDTH = 8\n", "data/old.txt": "to be deleted\n", "notes.txt": "to be removed from the index\n",
        "labels.csv": "café;1\n".encode("latin-1"),
    }, message="v1", tags=["v1"])
    write(root / "train.py", TRAIN_V2)
    git(root, "commit", "--quiet", "-am", "v2")
    return root


def test_a_clean_working_copy_records_head_and_no_diff(repo: Path) -> None:
    captured = capture("train.py", cwd=repo)
    assert captured.commit == git(repo, "rev-parse", "HEAD")
    assert (captured.branch, captured.tag, captured.diff) == ("main", None, "")
    assert (captured.entry_point, captured.working_dir) == ("train.py", ".")
    assert captured.repository == str(repo)
    assert captured.requirements == "numpy==1.26.4\n"
    assert [spec.name for spec in captured.args] == ["lr", "epochs"]


def files_of(root: Path, skip: set[str]) -> dict[str, tuple[bytes, bool]]:
    """Every file below root but .git and `skip`, with its content and executable bit."""
    files: dict[str, tuple[bytes, bool]] = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith(".git/") and relative not in skip:
            files[relative] = (path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR))
    return files


def test_the_diff_replays_every_kind_of_uncommitted_change(repo: Path, tmp_path: Path) -> None:
    write(repo / "staged.txt", "staged\n")
    git(repo, "add", "staged.txt")
    write(repo / "src" / "model.py", "WIDTH = 16\n")
    git(repo, "add", "src/model.py")
    write(repo / "src" / "model.py", "WIDTH = 32  # staged 16, then changed again\n")
    (repo / "data" / "old.txt").unlink()
    git(repo, "rm", "--quiet", "--cached", "notes.txt")
    write(repo / "labels.csv", "café;2\n".encode("latin-1"))
    write(repo / "new" / "deep" / "module.py", "print('new')\n")
    write(repo / "weights.bin", bytes(range(256)) * 8)
    write(repo / "menu du café.txt", "crème brûlée\n".encode("latin-1"))
    os.chmod(write(repo / "run.sh", "#!/bin/sh\necho run\n"), 0o755)
    write(repo / "train.log", "ignored noise\n")
    write(repo / "checkpoints" / "last.pt", b"\0ignored")
    status_before = git(repo, "status", "--porcelain", "--untracked-files=all")

    captured = capture("train.py", cwd=repo)

    assert git(repo, "status", "--porcelain", "--untracked-files=all") == status_before
    assert "train.log" not in captured.diff
    assert "checkpoints" not in captured.diff
    replay = tmp_path / "replay"
    git(tmp_path, "clone", "--quiet", str(repo), str(replay))
    git(replay, "checkout", "--quiet", "--detach", str(captured.commit))
    patch = write(tmp_path / "task.patch", captured.diff.encode("utf-8"))
    git(replay, "apply", str(patch))
    ignored = set(git(repo, "ls-files", "--others", "--ignored", "--exclude-standard").splitlines())
    assert ignored == {"train.log", "checkpoints/last.pt"}
    assert files_of(replay, skip=set()) == files_of(repo, skip=ignored)


def test_the_repository_is_origin_without_credentials(repo: Path) -> None:
    git(repo, "remote", "add", "backup", "git@example.org:lab/backup.git")
    git(repo, "remote", "add", "origin", "https://user:s3cret@example.org/lab/repo.git")
    assert capture("train.py", cwd=repo).repository == "https://example.org/lab/repo.git"


def test_without_origin_the_tracking_remote_then_the_first_remote_is_used(repo: Path) -> None:
    git(repo, "remote", "add", "aaa", "ssh://me:pw@example.org/aaa.git")
    assert capture("train.py", cwd=repo).repository == "ssh://me@example.org/aaa.git"
    git(repo, "remote", "add", "upstream", "https://example.org/upstream.git")
    git(repo, "config", "branch.main.remote", "upstream")
    assert capture("train.py", cwd=repo).repository == "https://example.org/upstream.git"


def test_a_detached_head_has_no_branch(repo: Path) -> None:
    git(repo, "checkout", "--quiet", "--detach", "v1")
    captured = capture("train.py", cwd=repo)
    assert (captured.branch, captured.commit) == (None, git(repo, "rev-parse", "v1"))


def test_an_explicit_commit_is_resolved_and_its_script_read(repo: Path) -> None:
    write(repo / "train.py", TRAIN_V2 + "# not committed\n")
    first = git(repo, "rev-parse", "v1")
    captured = capture("train.py", cwd=repo, commit=first[:8])
    assert (captured.commit, captured.tag, captured.branch, captured.diff) == (first, None, None, "")
    assert captured.args == [ArgSpec("lr", "0.1", "float", "learning rate")]
    assert capture("train.py", cwd=repo, commit=first, branch="main").branch == "main"


def test_a_tag_or_a_branch_head_chooses_the_code_without_a_commit(repo: Path) -> None:
    git(repo, "tag", "--annotate", "-m", "release", "v2")
    git(repo, "branch", "exp", "v1")
    tagged = capture("train.py", cwd=repo, tag="v2")
    assert (tagged.tag, tagged.commit, tagged.branch, tagged.diff) == ("v2", None, None, "")
    branch_head = capture("train.py", cwd=repo, branch="exp")
    assert (branch_head.branch, branch_head.commit, branch_head.tag) == ("exp", None, None)
    assert [spec.name for spec in branch_head.args] == ["lr"]


def test_a_branch_only_on_a_remote_is_accepted(repo: Path, tmp_path: Path) -> None:
    git(repo, "branch", "feature")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(repo), str(clone))
    assert capture("train.py", cwd=clone, branch="feature").branch == "feature"
    assert capture("train.py", cwd=clone, branch="origin/feature").branch == "origin/feature"


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ({"commit": "deadbeef"}, "commit 'deadbeef' not found"),
        ({"commit": "--all"}, "commit '--all' not found"),
        ({"tag": "v9"}, "tag 'v9' not found"),
        ({"branch": "nope"}, "branch 'nope' not found"),
        ({"commit": "HEAD", "branch": "nope"}, "branch 'nope' not found"),
    ],
)
def test_unknown_refs_are_refused_by_name(repo: Path, selection: dict[str, str], message: str) -> None:
    with pytest.raises(CaptureError, match=message):
        capture("train.py", cwd=repo, **selection)


def test_a_script_missing_from_the_chosen_ref_is_refused(repo: Path) -> None:
    write(repo / "eval.py", "print('eval')\n")
    assert capture("eval.py", cwd=repo).diff != ""
    with pytest.raises(CaptureError, match="script 'eval.py' does not exist at tag 'v1'"):
        capture("eval.py", cwd=repo, tag="v1")


def test_a_folder_outside_any_repository_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "plain" / "train.py", TRAIN_V1)
    with pytest.raises(NotAGitRepository):
        capture("train.py", cwd=tmp_path / "plain")


@pytest.mark.parametrize(("files", "script", "selection", "error", "message"), [
    ({}, "train.py", {"commit": "HEAD", "tag": "v1"}, InvalidValue, "not both"),
    ({"../outside.py": TRAIN_V1}, "../outside.py", {}, ScriptOutsideRepository, "outside.py"),
    ({}, "nope.py", {}, CaptureError, "script 'nope.py' does not exist"),
    ({"checkpoints/probe.py": "print(1)\n"}, "checkpoints/probe.py", {}, CaptureError, "ignored by git"),
], ids=["commit and tag", "outside the repository", "missing", "ignored by git"])
def test_a_script_or_selection_a_run_cannot_use_is_refused(repo: Path, files: dict[str, str], script: str,
                                                           selection: dict[str, str], error: type[Exception],
                                                           message: str) -> None:
    write_files(repo, files)
    with pytest.raises(error, match=message):
        capture(script, cwd=repo, **selection)


def test_a_repository_without_commits_is_refused(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    write(tmp_path / "train.py", TRAIN_V1)
    with pytest.raises(CaptureError, match="no commits yet"):
        capture("train.py", cwd=tmp_path)


def test_the_working_dir_defaults_to_the_scripts_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / "src" / "fit.py", TRAIN_V1)
    monkeypatch.chdir(repo / "data")
    captured = capture("../src/fit.py")
    assert (captured.entry_point, captured.working_dir) == ("src/fit.py", "src")
    assert capture(repo / "src" / "fit.py", working_dir="data").working_dir == "data"
    assert capture("../src/fit.py", working_dir=str(repo)).working_dir == "."
    with pytest.raises(CaptureError, match="working directory '../elsewhere' is outside"):
        capture("../src/fit.py", working_dir="../elsewhere")


def test_a_module_entry_point_is_kept_as_given(repo: Path) -> None:
    write(repo / "pkg" / "__init__.py", "")
    write(repo / "pkg" / "train.py", TRAIN_V1)
    captured = capture("-m pkg.train", cwd=repo / "data", args="--lr 0.5")
    assert (captured.entry_point, captured.working_dir) == ("-m pkg.train", "data")
    assert captured.args == [ArgSpec("lr", "0.5", "float", "learning rate")]  # the module's own source is read


def test_given_arguments_and_requirements_are_used(repo: Path) -> None:
    captured = capture("train.py", cwd=repo, args="--lr 0.5 --note 'two words'", requirements="torch\n")
    assert captured.requirements == "torch\n"
    assert [(spec.name, spec.value) for spec in captured.args] == [
        ("lr", "0.5"),
        ("epochs", "3"),
        ("note", "two words"),
    ]
    with pytest.raises(InvalidValue, match="cannot read the arguments"):
        capture("train.py", cwd=repo, args="--note 'unclosed")


def test_create_logs_the_environment_variables_it_is_asked_to(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKTUNE_LOG_ENVIRONMENT", "MY_*,WANDB_MODE")
    monkeypatch.setenv("MY_SETTING", "on")
    monkeypatch.setenv("MY_API_KEY", "never stored")
    monkeypatch.setenv("WANDB_MODE", "offline")
    found = capture("train.py", cwd=repo)
    assert {name: spec["value"] for name, spec in found.hyperparameters()["Environment"].items()} == {
        "MY_SETTING": "on", "WANDB_MODE": "offline"}
    assert "MY_API_KEY" in found.parameters.note and "never stored" not in found.parameters.note
