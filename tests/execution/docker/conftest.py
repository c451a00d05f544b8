"""Docker tests run against a real engine and a small local image; in CI a missing engine fails them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.conftest import IN_CI, require_component
from tests.execution.conftest import git, status, wait_for
from tests.support.docker_image import engine, ensure_test_image
from tests.support.wheels import build_wheel

# Says where it runs and what it received; the setup script's marker proves it ran first, in this container.
INSIDE_SCRIPT = """\
import argparse, json, os, sys
import helper
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--name", default="x")
args = parser.parse_args()
print(json.dumps({
    "dockerenv": os.path.exists("/.dockerenv"),
    "setup": open("/etc/tasktune-setup-marker").read().strip() if os.path.exists("/etc/tasktune-setup-marker") else "",
    "args": vars(args), "color": os.environ.get("COLOR"), "from_args": os.environ.get("FROM_ARGS"),
    "helper": helper.VALUE, "prefix": sys.prefix, "cwd": os.getcwd(),
    "git_objects": os.path.isdir(open(".git/objects/info/alternates").read().strip()),
}), flush=True)
from tasktune_gui import sdk  # the SDK's channel is mounted: its events reach the worker
sdk.report_scalar("loss", "train", 0.25, 1)
sdk.upload_artifact("notes", {"lr": args.lr})
"""
# First line, then waits for the test's go-ahead file before the second: the console must show the first meanwhile.
LIVE_SCRIPT = """\
import os, sys, time
print("first line", flush=True)
go = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "go")
deadline = time.time() + 60
while not os.path.exists(go) and time.time() < deadline:
    time.sleep(0.05)
print("second line", flush=True)
"""
TERM_SCRIPT = """\
import signal, sys, time
def on_term(signum, frame):
    print("got SIGTERM", flush=True)
    sys.exit(3)
signal.signal(signal.SIGTERM, on_term)
print("waiting", flush=True)
while True:
    time.sleep(0.1)
"""
PACKAGE_SCRIPT = """\
import json, sys
try:
    import tinypkg
    value = tinypkg.VALUE
except ImportError:
    value = None
print(json.dumps({"value": value, "prefix": sys.prefix}), flush=True)
"""


@pytest.fixture
def docker_repo(repo: Path) -> Path:
    (repo / "inside.py").write_text(INSIDE_SCRIPT)
    (repo / "live").mkdir()
    (repo / "live" / "live.py").write_text(LIVE_SCRIPT)
    (repo / "term.py").write_text(TERM_SCRIPT)
    (repo / "package.py").write_text(PACKAGE_SCRIPT)
    build_wheel(repo, "1.0")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "docker scripts")
    return repo


def sections(values: dict[str, dict[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    return {section: {name: {"value": value} for name, value in names.items()} for section, names in values.items()}


def console(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id)]


def report(core: Core, task_id: str) -> dict[str, object]:
    lines = [text for text in console(core, task_id) if text.startswith("{")]
    assert lines, console(core, task_id)
    return dict(json.loads(lines[-1]))


def finished(core: Core, task_id: str) -> str:
    return str(wait_for(core, lambda: status(core, task_id) in ("completed", "failed", "aborted")
                        and status(core, task_id), timeout=120, what="the task to end"))


def tasktune_containers(client: docker.DockerClient, task_id: str) -> list[object]:
    return list(client.containers.list(all=True, filters={"label": f"tasktune.task={task_id}"}))


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    client, why = engine()
    require_component("Docker engine", client is not None, why)
    assert client is not None
    yield client
    client.close()


@pytest.fixture(scope="session")
def test_image(docker_client: docker.DockerClient) -> str:
    try:
        return ensure_test_image(docker_client)
    except Exception as exc:  # debootstrap or the mirror missing here
        if IN_CI:
            raise
        pytest.skip(f"the test image could not be built: {exc}")


@pytest.fixture
def docker_config(test_image: str) -> DockerConfig:
    return DockerConfig(default_image=test_image)


def docker_worker_config(tmp_path: Path, docker: DockerConfig) -> WorkerConfig:
    return WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache", abort_grace=2.0, docker=docker)


@pytest.fixture
def docker_worker(sqlite_core: Core, tmp_path: Path, docker_config: DockerConfig) -> Iterator[Worker]:
    started = Worker(sqlite_core, docker_worker_config(tmp_path, docker_config))
    started.start()
    yield started
    started.stop()
