"""Runs in containers: a worker's settings for the tests' Docker engine, the containers a task left."""

from __future__ import annotations

from pathlib import Path

import docker

from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.worker.worker import WorkerConfig


def docker_worker_config(tmp_path: Path, docker: DockerConfig) -> WorkerConfig:
    return WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache", abort_grace=2.0, docker=docker)


def tasktune_containers(client: docker.DockerClient, task_id: str) -> list[object]:
    return list(client.containers.list(all=True, filters={"label": f"tasktune.task={task_id}"}))
