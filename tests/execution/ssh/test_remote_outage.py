"""An SSH run rides out a PostgreSQL restart: its console and SDK events wait in the run's spool, none lost."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.worker.worker import WorkerConfig
from tests.execution.outage import run_through_restart
from tests.support.postgres import PostgresCluster
from tests.support.sshd import SshServer


def test_an_ssh_run_keeps_every_line_and_scalar_through_a_server_restart(
    pg_core: Core, postgres_cluster: PostgresCluster, sshd: SshServer, remote_dir: Path, repo: Path, tmp_path: Path
) -> None:
    pg_core.queues.create("lab", ssh_host=sshd.alias, remote_dir=str(remote_dir))
    config = WorkerConfig(queues=["lab"], cache_dir=tmp_path / "cache", abort_grace=5.0,
                          ssh=SshOptions(config_files=[sshd.ssh_config], reconnect_for_s=60))
    # The host is this machine: the run's folder there is under the test's own.
    run_through_restart(pg_core, postgres_cluster, config, repo, lambda task_id: remote_dir / "runs" / task_id / "repo")
