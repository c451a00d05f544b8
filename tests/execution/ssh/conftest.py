"""Fixtures for remote runs: real sshd hosts (plain, or installing packages offline), bound queues, a worker."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.cache.environments import find_uv
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.components import require_component
from tests.support.runs import running_worker
from tests.support.sshd import SshServer, running_sshd


@pytest.fixture
def sshd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SshServer]:
    with running_sshd(tmp_path / "sshd", monkeypatch) as server:
        yield server


@pytest.fixture
def remote_dir(tmp_path: Path) -> Path:
    """The host's TaskTune folder (the host is this machine: kept under the test's folder, not in $HOME)."""
    return tmp_path / "remote"


@pytest.fixture
def lab_queue(sqlite_core: Core, sshd: SshServer, remote_dir: Path) -> str:
    sqlite_core.queues.create("lab", ssh_host=sshd.alias, remote_dir=str(remote_dir))
    return "lab"


@pytest.fixture
def ssh_worker(sqlite_core: Core, sshd: SshServer, lab_queue: str, tmp_path: Path) -> Iterator[Worker]:
    config = WorkerConfig(queues=[lab_queue], cache_dir=tmp_path / "cache", abort_grace=5.0,
                          ssh=SshOptions(config_files=[sshd.ssh_config], reconnect_for_s=60))
    with running_worker(sqlite_core, config) as started:
        yield started


BARE_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


@pytest.fixture(params=["uv", "pip"])
def installer(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def host_home(tmp_path: Path, installer: str) -> Path:
    """The SSH user's home on the host: uv in ~/.local/bin (where the agent looks past a bare PATH), or no uv."""
    home = tmp_path / "host-home"
    (home / ".local" / "bin").mkdir(parents=True)
    if installer == "uv":
        uv = find_uv()
        require_component("uv", uv is not None, "scripts/setup installs it into .venv")
        assert uv is not None
        (home / ".local" / "bin" / "uv").symlink_to(uv)
    return home


@pytest.fixture
def package_sshd(tmp_path: Path, host_home: Path, installer: str,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[SshServer]:
    """A host whose sessions have that home, sshd's bare PATH, and no package index (the tests prove the cache)."""
    # sshd's own PATH, without a folder that holds a uv of this machine's (the host with no uv has none).
    path = [folder for folder in BARE_PATH if installer == "uv" or not (Path(folder) / "uv").exists()]
    if installer == "pip":  # the fallback needs the host's python3 to make a venv with pip in it
        python = shutil.which("python3", path=":".join(path)) or "python3"
        probe = subprocess.run([python, "-c", "import ensurepip"], capture_output=True, text=True)
        require_component("venv with pip", probe.returncode == 0, f"install python3-venv: {probe.stderr.strip()}")
    session_env = {"HOME": str(host_home), "PATH": ":".join(path), "UV_OFFLINE": "1",
                   "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "PIP_NO_INDEX": "1",
                   "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    with running_sshd(tmp_path / "sshd", monkeypatch, session_env=session_env) as server:
        yield server
