"""`tasktune worker --docker [IMAGE] --docker-args ...` as a real process, and its one-line refusals."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import docker

from tasktune_gui.core.api import Core
from tests.support.runs import add_task, report, tasktune_worker


def test_worker_once_in_docker_mode(sqlite_core: Core, sqlite_url: str, tmp_path: Path, docker_repo: Path,
                                    docker_client: docker.DockerClient, test_image: str) -> None:
    task_id = add_task(sqlite_core, docker_repo, entry_point="inside.py", container_arguments="-e COLOR=green")
    done = subprocess.run(
        tasktune_worker(sqlite_url, tmp_path / "cache", "--once", "--docker", test_image,
                        "--docker-args", "--env FROM_ARGS=worker --shm-size 32m"),
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "completed", task.status_message
    seen = report(sqlite_core, task_id)
    assert seen["dockerenv"] is True and seen["from_args"] == "worker" and seen["color"] == "green"
    assert task.container_image == test_image


def test_worker_refuses_bad_docker_options_in_one_line(sqlite_url: str, tmp_path: Path) -> None:
    for options, said in (
        (["--docker", "--docker-allow", "privileged,root"], "unknown --docker-allow names: root"),
        (["--docker-args", "--shm-size 1g"], "need --docker"),
        (["--docker", "img", "--docker-args", "--entrypoint sh"], "container argument refused: --entrypoint"),
    ):
        done = subprocess.run(tasktune_worker(sqlite_url, tmp_path / "cache", "--once", *options),
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 1, options
        assert said in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_worker_in_docker_mode_without_an_engine_refuses_to_start(sqlite_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp_path / 'nobody.sock'}"}
    done = subprocess.run(tasktune_worker(sqlite_url, tmp_path / "cache", "--once", "--docker", "img"),
                          capture_output=True, text=True, timeout=120, check=False, env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("tasktune worker: Docker is not available on this machine")
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
