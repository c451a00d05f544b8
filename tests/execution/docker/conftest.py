"""Docker tests run against a real engine and a small local image; in CI a missing engine fails them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.worker.worker import Worker
from tests.support.components import IN_CI, require_component
from tests.support.docker_image import engine, ensure_test_image
from tests.support.docker_runs import docker_worker_config
from tests.support.git import commit_files
from tests.support.runs import running_worker
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
    build_wheel(repo, "1.0")
    return commit_files(repo, {"inside.py": INSIDE_SCRIPT, "live/live.py": LIVE_SCRIPT, "term.py": TERM_SCRIPT,
                               "package.py": PACKAGE_SCRIPT}, "docker scripts")


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


@pytest.fixture
def docker_worker(sqlite_core: Core, tmp_path: Path, docker_config: DockerConfig) -> Iterator[Worker]:
    with running_worker(sqlite_core, docker_worker_config(tmp_path, docker_config)) as started:
        yield started
