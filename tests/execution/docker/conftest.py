"""Docker tests run against a real engine and a small local image; in CI a missing engine fails them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.docker_config import DockerConfig
from tasktune_gui.execution.worker import Worker, WorkerConfig
from tests.conftest import IN_CI, require_component
from tests.support.docker_image import engine, ensure_test_image


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
