"""A Docker run rides out a PostgreSQL restart: its console and SDK events wait in the run's spool, none lost."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.execution.docker.config import DockerConfig
from tests.execution.outage import run_through_restart
from tests.support.docker_runs import docker_worker_config
from tests.support.postgres import PostgresCluster


def test_a_docker_run_keeps_every_line_and_scalar_through_a_server_restart(
    pg_core: Core, postgres_cluster: PostgresCluster, docker_config: DockerConfig, repo: Path, tmp_path: Path
) -> None:
    # The run's folder is mounted into the container at the same path.
    run_through_restart(pg_core, postgres_cluster, docker_worker_config(tmp_path, docker_config), repo,
                        lambda task_id: tmp_path / "cache" / "runs" / task_id / "repo")
