"""Unpushed commits travel in the task's diff: a worker that can reach only the remote runs the exact tree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.capture import args_section, capture
from tasktune_gui.core.capture.local_commits import carried_count
from tasktune_gui.core.models import Task
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import git
from tests.support.runs import status
from tests.support.waiting import wait_for

# Prints a digest of every file of the tree it runs in, as it sees them.
TREE_SCRIPT = '''\
import hashlib, json, os
tree = {}
for folder, dirs, files in os.walk("."):
    dirs[:] = [d for d in dirs if d != ".git"]
    for name in files:
        path = os.path.join(folder, name)[2:]
        with open(path, "rb") as handle:
            tree[path] = hashlib.sha256(handle.read()).hexdigest()[:16]
print(json.dumps(tree, sort_keys=True))
'''
BINARY = bytes(range(256)) * 9


def tree_digest(root: Path) -> dict[str, str]:
    import hashlib

    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if ".git" in path.relative_to(root).parts or not path.is_file():
            continue
        found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return found


def clone_with_local_commits(tmp_path: Path) -> tuple[Path, Path, str]:
    """A bare "remote" with two commits, and a clone with three local commits and an uncommitted change."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    (seed / "show_tree.py").write_text(TREE_SCRIPT)
    (seed / "old_name.txt").write_text("renamed later\n" * 20)
    (seed / "doomed.txt").write_text("deleted later\n")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "first")
    (seed / "model.bin").write_bytes(BINARY)
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "second")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(remote))
    pushed = git(seed, "rev-parse", "HEAD")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    git(clone, "mv", "old_name.txt", "new_name.txt")
    git(clone, "rm", "-q", "doomed.txt")
    git(clone, "commit", "-q", "-m", "rename and delete")
    (clone / "model.bin").write_bytes(BINARY[::-1] + b"\0more")
    (clone / "weights.bin").write_bytes(bytes([0, 255]) * 300)
    git(clone, "add", ".")
    git(clone, "commit", "-q", "-m", "binary files")
    (clone / "show_tree.py").write_text(TREE_SCRIPT + "# local commit\n")
    git(clone, "commit", "-q", "-am", "a script change")
    (clone / "uncommitted.txt").write_text("not committed\n")
    return remote, clone, pushed


def test_a_worker_that_reaches_only_the_remote_runs_the_local_commits(
    sqlite_core: Core, worker: Worker, tmp_path: Path
) -> None:
    remote, clone, pushed = clone_with_local_commits(tmp_path)
    expected = tree_digest(clone)
    found = capture("show_tree.py", cwd=clone)
    assert (found.repository, found.commit, found.local_commits) == (str(remote), pushed, 3)
    assert carried_count(found.diff) == 3
    task = Task(id="", name="local", repository=found.repository, commit=found.commit, branch=found.branch,
                entry_point=found.entry_point, working_dir=found.working_dir, diff=found.diff)
    hyper = {"Args": args_section(found.args)} if found.args else {}
    # The working copy is gone (moved away, as a laptop's folder would be out of reach): only the remote is left.
    shutil.move(clone, tmp_path / "elsewhere")
    task_id = sqlite_core.tasks.add(task, "tests", queue="default", hyperparameters=hyper)
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), what="the run's end")
    record = sqlite_core.tasks.get(task_id)
    assert record.status == "completed", record.status_message
    lines = [line.text for line in sqlite_core.results.console(task_id) if line.stream == "stdout"]
    assert json.loads(lines[0]) == expected


def test_pushing_later_changes_nothing_for_the_task(tmp_path: Path) -> None:
    remote, clone, pushed = clone_with_local_commits(tmp_path)
    before = capture("show_tree.py", cwd=clone)
    git(clone, "push", "-q", "origin", "main")
    # What was recorded still names a commit the remote has, and its diff still applies over it.
    assert git(remote, "cat-file", "-t", pushed) == "commit"
    after = capture("show_tree.py", cwd=clone)
    assert after.commit == git(clone, "rev-parse", "HEAD") and after.local_commits == 0
    assert before.commit == pushed and before.local_commits == 3
