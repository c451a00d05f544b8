"""Docker mode for real: tasks run in containers of a local image, through a worker over a real database."""

from __future__ import annotations

import json
import time
from pathlib import Path

import docker
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker import Worker
from tests.execution.conftest import add_task, git, status, wait_for
from tests.execution.test_environments import build_wheel

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
}), flush=True)
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


def test_full_task_runs_in_a_container(sqlite_core: Core, docker_worker: Worker, docker_repo: Path,
                                       docker_client: docker.DockerClient, test_image: str) -> None:
    diff_repo = docker_repo
    (diff_repo / "helper.py").write_text("VALUE = 'from the diff'\n")
    diff = git(diff_repo, "diff") + "\n"
    git(diff_repo, "checkout", "helper.py")
    task_id = add_task(
        sqlite_core, docker_repo, entry_point="inside.py", diff=diff,
        container_setup_script="echo set up > /etc/tasktune-setup-marker\necho setup says hello\n",
        container_arguments="--env FROM_ARGS=yes --shm-size 64m",
        hyperparameters=sections({"Args": {"lr": "0.5", "name": "it's $HOME; rm -rf /"},
                                  "Environment": {"COLOR": "blue"}}),
    )
    assert finished(sqlite_core, task_id) == "completed", sqlite_core.tasks.get(task_id).status_message
    seen = report(sqlite_core, task_id)
    assert seen["dockerenv"] is True
    assert seen["setup"] == "set up"
    assert seen["args"] == {"lr": 0.5, "name": "it's $HOME; rm -rf /"}  # no shell ever saw the value
    assert seen["color"] == "blue" and seen["from_args"] == "yes"
    assert seen["helper"] == "from the diff"
    assert "setup says hello" in console(sqlite_core, task_id)
    task = sqlite_core.tasks.get(task_id)
    assert task.container_image == test_image  # the worker's default, written back for a clone
    assert task.container_id and task.exit_code == 0
    clone = sqlite_core.tasks.clone(task_id)
    assert sqlite_core.tasks.get(clone).container_image == test_image
    assert tasktune_containers(docker_client, task_id) == []  # removed afterwards


def test_console_lines_arrive_while_the_container_runs(sqlite_core: Core, docker_worker: Worker,
                                                       docker_repo: Path, tmp_path: Path) -> None:
    task_id = add_task(sqlite_core, docker_repo, entry_point="live/live.py")
    wait_for(sqlite_core, lambda: "first line" in console(sqlite_core, task_id), timeout=60, what="the first line")
    assert status(sqlite_core, task_id) == "running"
    assert "second line" not in console(sqlite_core, task_id)
    (tmp_path / "cache" / "runs" / task_id / "repo" / "go").write_text("")
    assert finished(sqlite_core, task_id) == "completed"
    assert console(sqlite_core, task_id)[-1] == "second line"


def test_abort_stops_then_kills_the_container(sqlite_core: Core, docker_worker: Worker, docker_repo: Path,
                                              docker_client: docker.DockerClient) -> None:
    task_id = add_task(sqlite_core, docker_repo, entry_point="term.py")
    wait_for(sqlite_core, lambda: "waiting" in console(sqlite_core, task_id), timeout=60, what="the task to start")
    asked = time.monotonic()
    sqlite_core.lifecycle.abort(task_id)
    assert finished(sqlite_core, task_id) == "aborted"
    assert time.monotonic() - asked < 10
    assert "got SIGTERM" in console(sqlite_core, task_id)  # stopped gracefully first
    assert sqlite_core.tasks.get(task_id).status_reason == "user abort"
    assert tasktune_containers(docker_client, task_id) == []


def test_exit_code_maps_to_failed(sqlite_core: Core, docker_worker: Worker, docker_repo: Path) -> None:
    task_id = add_task(sqlite_core, docker_repo, entry_point="inside.py",
                       hyperparameters=sections({"Args": {"lr": "not a number"}}))
    assert finished(sqlite_core, task_id) == "failed"
    task = sqlite_core.tasks.get(task_id)
    assert task.status_reason == "exit code 2" and "invalid float value" in task.status_message


def test_missing_image_fails_at_once(sqlite_core: Core, docker_worker: Worker, docker_repo: Path) -> None:
    task_id = add_task(sqlite_core, docker_repo, entry_point="inside.py", container_image="tasktune-missing:0")
    started = time.monotonic()
    assert finished(sqlite_core, task_id) == "failed"
    assert time.monotonic() - started < 10  # never waits on a pull
    assert sqlite_core.tasks.get(task_id).status_reason == "image tasktune-missing:0 is not available on this machine"


def test_refused_container_argument_names_it(sqlite_core: Core, docker_worker: Worker, docker_repo: Path,
                                             docker_client: docker.DockerClient) -> None:
    task_id = add_task(sqlite_core, docker_repo, entry_point="inside.py",
                       container_arguments="--shm-size 1g --network host")
    assert finished(sqlite_core, task_id) == "failed"
    task = sqlite_core.tasks.get(task_id)
    assert task.status_reason == "container argument refused: --network host"
    assert "--docker-allow network-host" in task.status_message
    assert tasktune_containers(docker_client, task_id) == []  # refused before anything started


def test_environment_made_with_the_images_python_and_the_image_environment_option(
    sqlite_core: Core, docker_worker: Worker, docker_repo: Path
) -> None:
    requirements = "./tinypkg-1.0-py3-none-any.whl\n"
    in_venv = add_task(sqlite_core, docker_repo, entry_point="package.py", requirements=requirements)
    assert finished(sqlite_core, in_venv) == "completed", sqlite_core.tasks.get(in_venv).status_message
    seen = report(sqlite_core, in_venv)
    assert seen["value"] == "1.0" and "container-envs" in str(seen["prefix"])
    assert "tinypkg" in sqlite_core.tasks.get(in_venv).requirements  # what was installed, recorded

    as_is = add_task(sqlite_core, docker_repo, entry_point="package.py", requirements=requirements,
                     container_use_image_env=True)
    assert finished(sqlite_core, as_is) == "completed"
    seen = report(sqlite_core, as_is)
    assert seen == {"value": None, "prefix": "/usr"}  # the image's own Python, no virtual environment
