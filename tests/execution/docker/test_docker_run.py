"""Docker mode for real: tasks run in containers of a local image, through a worker over a real database."""

from __future__ import annotations

import re
import time
from pathlib import Path

import docker
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.results import SETUP_STREAM
from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.worker.worker import Worker
from tests.support.docker_runs import docker_worker_config, tasktune_containers
from tests.support.git import git
from tests.support.runs import add_task, console, finished, report, sections, status
from tests.support.waiting import wait_for


def setup_lines(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id, setup=True) if line.stream == SETUP_STREAM]


def steps_of(lines: list[str]) -> list[str]:
    return [m[1] for line in lines if (m := re.match(r"^\[setup\] (\w+) \d+\.\d s$", line))]


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
    assert seen["git_objects"] is True  # the workspace's git history is readable inside
    assert "setup says hello" in console(sqlite_core, task_id)
    assert [(p.metric, p.series, p.value) for p in sqlite_core.results.scalars(task_id)] == [("loss", "train", 0.25)]
    assert [a.name for a in sqlite_core.results.artifacts(task_id)] == ["notes"]
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
    # What was installed, recorded by its path in the repository (the run's folder is gone), so a clone
    # of this task installs the same wheel.
    assert sqlite_core.tasks.get(in_venv).requirements == "./tinypkg-1.0-py3-none-any.whl\n"
    # The setup on the console: each step with its time, and uv's own lines from inside the container.
    setup = setup_lines(sqlite_core, in_venv)
    assert steps_of(setup) == ["mirror", "checkout", "container", "environment", "start"]
    assert any("+ tinypkg==1.0" in line for line in setup), setup

    as_is = add_task(sqlite_core, docker_repo, entry_point="package.py", requirements=requirements,
                     container_use_image_env=True)
    assert finished(sqlite_core, as_is) == "completed"
    seen = report(sqlite_core, as_is)
    assert seen == {"value": None, "prefix": "/usr"}  # the image's own Python, no virtual environment


def test_abort_during_the_setup_script(sqlite_core: Core, docker_worker: Worker, docker_repo: Path,
                                       docker_client: docker.DockerClient) -> None:
    task_id = add_task(sqlite_core, docker_repo, entry_point="inside.py",
                       container_setup_script="echo setting up\nsleep 600\n")
    wait_for(sqlite_core, lambda: "setting up" in console(sqlite_core, task_id), timeout=60, what="the setup")
    asked = time.monotonic()
    sqlite_core.lifecycle.abort(task_id)
    assert finished(sqlite_core, task_id) == "aborted"
    assert time.monotonic() - asked < 10
    assert tasktune_containers(docker_client, task_id) == []


def test_debug_setting_keeps_the_stopped_container(sqlite_core: Core, tmp_path: Path, docker_repo: Path,
                                                   docker_client: docker.DockerClient, test_image: str) -> None:
    config = docker_worker_config(tmp_path, DockerConfig(default_image=test_image, keep_containers=True))
    worker = Worker(sqlite_core, config)
    task_id = add_task(sqlite_core, docker_repo, entry_point="inside.py")
    try:
        assert worker.run_once() == task_id
    finally:
        worker.stop()
    assert status(sqlite_core, task_id) == "completed"
    kept = tasktune_containers(docker_client, task_id)
    try:
        assert len(kept) == 1
        assert kept[0].status == "exited" and kept[0].short_id == sqlite_core.tasks.get(task_id).container_id
    finally:
        for container in kept:
            container.remove(force=True)


def test_environment_with_the_images_own_venv_and_pip(sqlite_core: Core, tmp_path: Path, docker_repo: Path,
                                                      test_image: str) -> None:
    config = docker_worker_config(tmp_path, DockerConfig(default_image=test_image, host_uv=False))
    worker = Worker(sqlite_core, config)
    task_id = add_task(sqlite_core, docker_repo, entry_point="package.py",
                       requirements="./tinypkg-1.0-py3-none-any.whl\n")
    try:
        assert worker.run_once() == task_id
    finally:
        worker.stop()
    assert status(sqlite_core, task_id) == "completed", sqlite_core.tasks.get(task_id).status_message
    seen = report(sqlite_core, task_id)
    assert seen["value"] == "1.0" and "container-envs" in str(seen["prefix"])
    setup = setup_lines(sqlite_core, task_id)  # pip's own lines, as it installs
    assert steps_of(setup) == ["mirror", "checkout", "container", "environment", "start"]
    assert any("Successfully installed tinypkg-1.0" in line for line in setup), setup


def test_without_an_engine_the_task_fails_with_the_reason(sqlite_core: Core, tmp_path: Path, repo: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'nobody.sock'}")
    worker = Worker(sqlite_core, docker_worker_config(tmp_path, DockerConfig(default_image="any:1")))
    task_id = add_task(sqlite_core, repo)
    try:
        assert worker.run_once() == task_id
    finally:
        worker.stop()
    task = sqlite_core.tasks.get(task_id)
    assert (task.status, task.status_reason) == ("failed", "Docker is not available on this machine")


def test_a_child_holding_the_output_does_not_keep_the_task_running(  # the engine ends the stream at the exit
        sqlite_core: Core, docker_worker: Worker, docker_repo: Path) -> None:
    (docker_repo / "orphan.py").write_text(
        "import subprocess\nsubprocess.Popen(['sleep', '600'])\nprint('parent done', flush=True)\n")
    git(docker_repo, "add", "orphan.py")
    git(docker_repo, "commit", "-qm", "orphan")
    task_id = add_task(sqlite_core, docker_repo, entry_point="orphan.py")
    wait_for(sqlite_core, lambda: "parent done" in console(sqlite_core, task_id), timeout=60, what="the parent")
    ended = time.monotonic()
    assert finished(sqlite_core, task_id) == "completed"
    assert time.monotonic() - ended < 10
