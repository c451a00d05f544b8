"""Environments: made from the task's packages (or the repository's requirements.txt), cached, evicted LRU."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.cache.environments import EnvironmentCache
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for
from tests.support.wheels import build_wheel

USE_PACKAGE = (
    "import json, sys, tinypkg\n"
    "from tasktune_gui import sdk\n"  # importable inside the task's own environment
    "print(json.dumps({'value': tinypkg.VALUE, 'prefix': sys.prefix, 'task': sdk.task_id()}))\n"
)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_OFFLINE", "1")  # these tests prove the cache, never the network


@pytest.fixture
def package_repo(repo: Path) -> Path:
    build_wheel(repo, "1.0")
    (repo / "requirements.txt").write_text("./tinypkg-1.0-py3-none-any.whl\n")
    (repo / "use.py").write_text(USE_PACKAGE)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "package")
    return repo


def test_requirements_txt_environment_is_cached_and_recorded(sqlite_core: Core, worker: Worker,
                                                             package_repo: Path) -> None:
    first = add_task(sqlite_core, package_repo, entry_point="use.py")
    wait_for(sqlite_core, lambda: status(sqlite_core, first) in ("completed", "failed"), timeout=120, what="first")
    task = sqlite_core.tasks.get(first)
    assert task.status == "completed", task.status_message
    # The packages actually installed; the wheel by its path in the repository, since the run's folder is gone.
    assert task.requirements == "./tinypkg-1.0-py3-none-any.whl\n"
    assert task.original_requirements == ""  # the original list is kept as it was
    second = sqlite_core.tasks.clone(first)  # with the recorded packages, in a run folder of its own
    sqlite_core.lifecycle.enqueue(second, "default")
    wait_for(sqlite_core, lambda: status(sqlite_core, second) in ("completed", "failed"), timeout=120, what="second")
    outputs = [json.loads(sqlite_core.results.console(t)[0].text) for t in (first, second)]
    assert outputs[0]["value"] == "1.0"
    assert outputs[0]["task"] == first
    assert outputs[0]["prefix"] == outputs[1]["prefix"]  # the second run reused the environment


def test_least_recently_used_environment_is_evicted(tmp_path: Path) -> None:
    cache = EnvironmentCache(tmp_path / "cache", max_bytes=1)
    build_wheel(tmp_path, "1.0")
    build_wheel(tmp_path, "2.0")
    old = cache.prepare("python3", "./tinypkg-1.0-py3-none-any.whl", tmp_path)
    assert old is not None
    assert old.exists()
    new = cache.prepare("python3", "./tinypkg-2.0-py3-none-any.whl", tmp_path)
    assert new is not None
    assert new.exists()
    assert not old.exists()
    assert cache.prepare("python3", "", tmp_path) is None  # no packages: no environment to make


def test_an_environment_a_run_uses_is_not_evicted(tmp_path: Path) -> None:
    cache = EnvironmentCache(tmp_path / "cache", max_bytes=1)
    for version in ("1.0", "2.0", "3.0"):
        build_wheel(tmp_path, version)
    with contextlib.ExitStack() as running:  # a run that has not ended
        used = cache.prepare("python3", "./tinypkg-1.0-py3-none-any.whl", tmp_path, hold=running)
        other = cache.prepare("python3", "./tinypkg-2.0-py3-none-any.whl", tmp_path)
        assert used is not None and other is not None
        assert used.exists() and other.exists()
    third = cache.prepare("python3", "./tinypkg-3.0-py3-none-any.whl", tmp_path)
    assert third is not None
    assert third.exists() and not used.exists() and not other.exists()  # the run ended: its environment may go
