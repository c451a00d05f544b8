"""A task's packages on the SSH host: an environment made there with uv (or venv + pip), recorded, then reused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.sshd import SshServer
from tests.support.waiting import wait_for
from tests.support.wheels import build_wheel

USE_PACKAGE = "import json, sys, tinypkg\nprint(json.dumps({'value': tinypkg.VALUE, 'prefix': sys.prefix}))\n"
WHEEL = "./tinypkg-1.0-py3-none-any.whl"


@pytest.fixture
def package_worker(sqlite_core: Core, package_sshd: SshServer, tmp_path: Path) -> Iterator[Worker]:
    sqlite_core.queues.create("lab", ssh_host=package_sshd.alias, remote_dir=str(tmp_path / "remote"))
    worker = Worker(sqlite_core, WorkerConfig(queues=["lab"], cache_dir=tmp_path / "cache",
                                              ssh=SshOptions(config_files=[package_sshd.ssh_config])))
    worker.start()
    yield worker
    worker.stop()


def _package_repo(tmp_path: Path) -> Path:
    root = tmp_path / "source"
    root.mkdir()
    (root / "use.py").write_text(USE_PACKAGE)
    build_wheel(root, "1.0")  # committed with the code: the requirement is a path inside the repository
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    return root


def _completed(core: Core, task_id: str) -> dict[str, str]:
    """What the script printed, once the task has completed with the packages it was given."""
    wait_for(core, lambda: status(core, task_id) in ("completed", "failed"), 120, "the remote run")
    task = core.tasks.get(task_id)
    assert task.status == "completed", (task.status_reason, task.status_message)
    # Recorded as installed, the wheel named by its path in the repository (the run's folder is gone).
    assert task.requirements == WHEEL + "\n"
    assert task.original_requirements == WHEEL
    printed: dict[str, str] = json.loads(core.results.console(task_id)[0].text)
    return printed


def test_packages_are_installed_on_the_host_and_reused(sqlite_core: Core, package_worker: Worker,
                                                       installer: str, tmp_path: Path) -> None:
    task_id = add_task(sqlite_core, _package_repo(tmp_path), queue="lab", entry_point="use.py",
                       requirements=WHEEL, original_requirements=WHEEL)
    first = _completed(sqlite_core, task_id)
    assert first["value"] == "1.0"
    envs = tmp_path / "remote" / "envs"
    environment = Path(first["prefix"])
    assert environment.parent == envs
    made_by_uv = "uv = " in (environment / "pyvenv.cfg").read_text()
    assert made_by_uv == (installer == "uv")
    ready = (environment / ".tasktune-ready").stat()

    # A clone runs with the packages the first run recorded, in another run folder, on the cached environment.
    clone = sqlite_core.tasks.clone(task_id)
    sqlite_core.lifecycle.enqueue(clone, "lab")
    assert _completed(sqlite_core, clone) == first
    assert (environment / ".tasktune-ready").stat().st_mtime_ns == ready.st_mtime_ns
    assert [p.name for p in envs.iterdir() if p.is_dir()] == [environment.name]

