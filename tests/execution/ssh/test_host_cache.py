"""The cache on an SSH host: commit trees and environments evicted least recently used first, past its size."""

from __future__ import annotations

import json
import os
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.ssh.agent import host_cache
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.sshd import SshServer
from tests.support.waiting import wait_for
from tests.support.wheels import build_wheel

# Says it started, waits for the gate file (when given one), then imports its package: a late import proves
# the environment was still there after other runs' evictions.
USE_LATE = '''\
import os, sys, time
print("started", flush=True)
while len(sys.argv) > 1 and not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
import tinypkg
print(tinypkg.VALUE, sys.prefix)
'''


def _tree(base: Path, name: str, size: int, used: float) -> Path:
    """A commit's tree archive as the launcher uploads it, last used at `used`."""
    (base / "trees").mkdir(parents=True, exist_ok=True)
    content = base / f"{name}.bin"
    content.write_bytes(os.urandom(size))
    tree = base / "trees" / f"{name}.tar"
    with tarfile.open(tree, "w") as archive:
        archive.add(content, arcname="data.bin")
    content.unlink()
    os.utime(tree, (used, used))
    return tree


def _environment(base: Path, name: str, size: int, used: float) -> Path:
    """A ready environment of `size` bytes, last used at `used`."""
    folder = base / "envs" / name
    (folder / "bin").mkdir(parents=True)
    (folder / "lib.bin").write_bytes(os.urandom(size))
    (folder / host_cache.SIZE).write_text(str(size))
    (folder / host_cache.READY).write_text("")
    (folder / host_cache.LAST_USED).touch()
    os.utime(folder / host_cache.LAST_USED, (used, used))
    return folder


def test_least_recently_used_goes_first_but_never_what_a_run_uses(tmp_path: Path) -> None:
    base = tmp_path / "remote"
    oldest = _environment(base, "oldest", 4000, 1000)
    old = _tree(base, "old", 4000, 2000)
    newer = _tree(base, "newer", 4000, 3000)
    newest = _environment(base, "newest", 4000, 4000)
    run = base / "runs" / "task1"  # a run that has not ended: this process stands for its supervisor
    run.mkdir(parents=True)
    (run / "env.json").write_text(json.dumps({"bin": str(oldest / "bin")}))
    (run / "pid").write_text(str(os.getpid()))
    total = sum(size for _, size, _ in host_cache._entries(str(base)))

    # One entry too many: the least recently used one not in use goes (the environment of the run stays).
    assert host_cache.evict(str(base), total - 1) == [str(old)]
    assert oldest.exists() and newer.exists() and newest.exists()
    # What the caller keeps (the run being prepared) stays too; the next least recently used goes instead.
    assert host_cache.evict(str(base), 1, keep=(str(newer),)) == [str(newest)]
    # Once the run has ended, its environment may go.
    (run / "exit").write_text("0")
    assert host_cache.evict(str(base), 1, keep=(str(newer),)) == [str(oldest)]
    assert host_cache.evict(str(base), sys.maxsize) == []
    # A tree evicted after the launcher found it there: a refusal the launcher answers by uploading it again.
    with pytest.raises(host_cache.Refused) as refused:
        host_cache.extract_tree(str(base), "old", str(tmp_path / "checkout"))
    assert refused.value.args[0] == host_cache.TREE_GONE


def test_an_environment_measured_by_no_agent_is_measured_once(tmp_path: Path) -> None:
    base = tmp_path / "remote"
    folder = _environment(base, "unmeasured", 3000, 1000)
    (folder / host_cache.SIZE).unlink()
    assert [size for _, size, path in host_cache._entries(str(base)) if path == str(folder)] == [3000]
    assert (folder / host_cache.SIZE).read_text() == "3000"


@pytest.fixture
def evicting_worker(sqlite_core: Core, package_sshd: SshServer, tmp_path: Path) -> Iterator[Worker]:
    """Two slots on a host whose cache holds nothing it may evict: every prepare evicts what it can."""
    sqlite_core.queues.create("lab", ssh_host=package_sshd.alias, remote_dir=str(tmp_path / "remote"))
    options = SshOptions(config_files=[package_sshd.ssh_config], host_cache_max_bytes=1)
    worker = Worker(sqlite_core, WorkerConfig(queues=["lab"], slots=2, cache_dir=tmp_path / "cache", ssh=options))
    worker.start()
    yield worker
    worker.stop()


def _versions(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository with one commit per package version, each adding that version's wheel."""
    root = tmp_path / "source"
    root.mkdir()
    (root / "use.py").write_text(USE_LATE)
    git(root, "init", "-q", "-b", "main")
    commits = {}
    for version in ("1.0", "2.0", "3.0"):
        build_wheel(root, version)
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", version)
        commits[version] = git(root, "rev-parse", "HEAD")
    return root, commits


def _add(core: Core, repo: Path, commit: str, version: str, gate: Path | None = None) -> str:
    args = {"Args": {"gate": {"value": str(gate), "type": "positional"}}} if gate else {}
    return add_task(core, repo, queue="lab", entry_point="use.py", commit=commit,
                    requirements=f"./tinypkg-{version}-py3-none-any.whl", hyperparameters=args)


def _completed(core: Core, task_id: str) -> tuple[str, Path]:
    """The package version the task imported, and its environment."""
    wait_for(core, lambda: status(core, task_id) in ("completed", "failed"), 120, "the remote run")
    task = core.tasks.get(task_id)
    assert task.status == "completed", (task.status_reason, task.status_message)
    version, prefix = core.results.console(task_id)[-1].text.split()
    return version, Path(prefix)


def _cached(base: Path) -> tuple[set[str], set[Path]]:
    trees = {path.stem for path in (base / "trees").glob("*.tar")}
    return trees, {path for path in (base / "envs").iterdir() if path.is_dir()}


@pytest.mark.parametrize("installer", ["uv"])
def test_host_cache_is_evicted_but_a_running_task_keeps_its_environment(
    sqlite_core: Core, evicting_worker: Worker, installer: str, tmp_path: Path
) -> None:
    repo, commits = _versions(tmp_path)
    base = tmp_path / "remote"
    gate = tmp_path / "gate"
    first = _add(sqlite_core, repo, commits["1.0"], "1.0", gate)
    wait_for(sqlite_core, lambda: sqlite_core.results.console(first), 120, "the first task's start")
    second = _add(sqlite_core, repo, commits["2.0"], "2.0")
    version, second_env = _completed(sqlite_core, second)
    assert version == "2.0"
    # The first task's tree was evicted (its files are in its run folder); its environment is in use.
    trees, envs = _cached(base)
    assert trees == {commits["2.0"]} and second_env in envs and len(envs) == 2

    gate.touch()
    version, first_env = _completed(sqlite_core, first)
    assert version == "1.0" and first_env in envs
    third = _add(sqlite_core, repo, commits["3.0"], "3.0")
    version, third_env = _completed(sqlite_core, third)
    assert version == "3.0"
    assert _cached(base) == ({commits["3.0"]}, {third_env})  # nothing runs now: all but the last run's go

    # What was evicted comes back when a task needs it again.
    again = sqlite_core.tasks.clone(first)
    sqlite_core.lifecycle.enqueue(again, "lab")
    assert _completed(sqlite_core, again) == ("1.0", first_env)
    assert _cached(base) == ({commits["1.0"]}, {first_env})
