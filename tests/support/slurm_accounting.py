"""Accounting for a test cluster: a throwaway MariaDB (its own datadir, socket and port) and a slurmdbd with its
own conf next to the cluster's slurm.conf, so `sacct` answers for jobs squeue has forgotten."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

from tests.support.waiting import wait_until


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return True
    except OSError:
        return False


def accounting_available() -> tuple[bool, str]:
    missing = [name for name in ("mariadbd", "mariadb-install-db", "slurmdbd", "sacct", "sacctmgr")
               if not shutil.which(name) and not Path("/usr/sbin", name).exists()]
    if missing:
        return False, f"missing {', '.join(missing)} (apt-get install mariadb-server slurmdbd)"
    return True, ""


class Accounting:
    """MariaDB and slurmdbd for one cluster; `conf_lines` go into its slurm.conf. The cluster spawns and stops
    the processes (with its munged, which slurmdbd needs)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db_port = _free_port()
        self.dbd_port = _free_port()

    def conf_lines(self, munge_socket: Path) -> str:
        # AccountingStoragePass names the munge socket the clients (sacct, sacctmgr, slurmctld) reach slurmdbd with.
        return ("AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=localhost\n"
                f"AccountingStoragePort={self.dbd_port}\nAccountingStoragePass={munge_socket}\n")

    def install_database(self) -> None:
        """A fresh datadir (about 3 s): mariadb-install-db with no defaults from the machine's my.cnf."""
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={self.folder / 'mariadb'}", "--user=root",
                        "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"],
                       check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)

    def database_argv(self) -> list[str]:
        f = self.folder
        return ["mariadbd", "--no-defaults", f"--datadir={f / 'mariadb'}", f"--socket={f / 'mariadb.sock'}",
                f"--port={self.db_port}", "--bind-address=127.0.0.1", "--user=root", f"--pid-file={f / 'mariadb.pid'}",
                f"--log-error={f / 'mariadb.err'}", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
                "--skip-grant-tables"]  # a throwaway, reached on 127.0.0.1 only: no users to set up

    def wait_database(self) -> None:
        wait_until(lambda: _accepts(self.db_port), 120, f"MariaDB on port {self.db_port} (see mariadb.err)")

    def write_dbd_conf(self, munge_socket: Path) -> None:
        """slurmdbd.conf beside slurm.conf (where slurmdbd looks, from SLURM_CONF), the SlurmUser's alone."""
        f = self.folder
        conf = f / "slurmdbd.conf"
        conf.write_text(
            f"AuthType=auth/munge\nAuthInfo=socket={munge_socket}\nDbdHost=localhost\nDbdPort={self.dbd_port}\n"
            f"SlurmUser=root\nPidFile={f / 'slurmdbd.pid'}\nLogFile={f / 'slurmdbd.log'}\n"
            f"StorageType=accounting_storage/mysql\nStorageHost=127.0.0.1\nStoragePort={self.db_port}\n"
            "StorageUser=root\nStorageLoc=slurm_acct_db\n")
        conf.chmod(0o600)

    def wait_dbd(self) -> None:
        wait_until(lambda: _accepts(self.dbd_port), 120, f"slurmdbd on port {self.dbd_port} (see slurmdbd.log)")
