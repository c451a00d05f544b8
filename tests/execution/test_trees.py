"""Pristine trees per commit: a commit run before is copied without git, each run gets its own copy, LRU eviction."""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading
from pathlib import Path

import pytest

from tasktune_gui.execution.cache.workspace import MirrorCache, Source, prepare_workspace
from tests.execution.test_workspace import make_source
from tests.support.git import git


def test_a_commit_run_before_is_copied_without_a_git_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, first, _ = make_source(tmp_path)
    cache = MirrorCache(tmp_path / "cache")
    prepare_workspace(cache, Source(str(source), commit=first), "", tmp_path / "run1" / "repo")
    with monkeypatch.context() as no_git:
        no_git.setenv("PATH", str(tmp_path / "nowhere"))  # git cannot be started now
        work = tmp_path / "run2" / "repo"
        assert prepare_workspace(cache, Source(str(source), commit=first), "", work) == first
    assert (work / "train.py").read_text() == "print('v1')\n"
    assert os.access(work / "bin" / "run.sh", os.X_OK)
    assert os.readlink(work / "link.py") == "train.py"
    assert git(work, "rev-parse", "HEAD") == first
    assert git(work, "status", "--porcelain") == ""
    assert git(work, "remote", "get-url", "origin") == str(source)


def test_what_a_run_changes_in_its_copy_stays_out_of_the_next(tmp_path: Path) -> None:
    source, _, head = make_source(tmp_path)
    cache = MirrorCache(tmp_path / "cache")
    (source / "train.py").write_text("print('tuned')\n")
    diff = subprocess.run(["git", "diff"], cwd=source, capture_output=True, text=True, check=True).stdout
    tuned = tmp_path / "run1" / "repo"
    prepare_workspace(cache, Source(str(source), commit=head), diff, tuned)
    assert (tuned / "train.py").read_text() == "print('tuned')\n"
    (tuned / "helper.txt").write_text("left by the script\n")
    os.remove(tuned / "link.py")
    git(tuned, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "made by the script")

    plain = tmp_path / "run2" / "repo"
    prepare_workspace(cache, Source(str(source), commit=head), "", plain)
    assert (plain / "train.py").read_text() == "print('v2')\n"
    assert not (plain / "helper.txt").exists()
    assert os.readlink(plain / "link.py") == "train.py"
    assert git(plain, "rev-parse", "HEAD") == head
    assert git(plain, "status", "--porcelain") == ""


def test_the_least_recently_used_tree_goes_unless_a_run_is_copying_it(tmp_path: Path) -> None:
    source, first, head = make_source(tmp_path)
    cache = MirrorCache(tmp_path / "cache")
    cache.trees.max_bytes = 1  # room for the tree just made only
    mirror = cache.path_for(str(source.resolve()))
    first_tree, head_tree = (cache.trees.root / f"{mirror.stem}-{commit}" for commit in (first, head))

    prepare_workspace(cache, Source(str(source), commit=first), "", tmp_path / "run1" / "repo")
    assert first_tree.is_dir()
    prepare_workspace(cache, Source(str(source), commit=head), "", tmp_path / "run2" / "repo")
    assert head_tree.is_dir()
    assert not first_tree.exists()

    # Another worker sharing the cache holds the lock of a tree while it copies it: eviction passes it by.
    with open(f"{head_tree}.lock", "a") as copying:
        fcntl.flock(copying, fcntl.LOCK_SH)
        prepare_workspace(cache, Source(str(source), commit=first), "", tmp_path / "run3" / "repo")
    assert first_tree.is_dir()
    assert head_tree.is_dir()


def test_workers_sharing_a_cache_make_a_tree_once_and_each_gets_a_whole_copy(tmp_path: Path) -> None:
    source, first, _ = make_source(tmp_path)
    caches = [MirrorCache(tmp_path / "cache") for _ in range(4)]  # as four workers on one cache folder
    start = threading.Barrier(len(caches))
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait()
            prepare_workspace(caches[index], Source(str(source), commit=first), "", tmp_path / f"run{index}" / "repo")
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(caches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for index in range(len(caches)):
        work = tmp_path / f"run{index}" / "repo"
        assert (work / "train.py").read_text() == "print('v1')\n"
        assert git(work, "status", "--porcelain") == ""
    trees = [path.name for path in caches[0].trees.root.iterdir() if path.is_dir()]
    assert len(trees) == 1  # no half-made tree left behind
