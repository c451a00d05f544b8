"""A throwaway PostgreSQL cluster in a temporary folder, for tests that need a real server."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url


def find_postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl (Debian keeps them out of PATH)."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return versions[0].parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """initdb + pg_ctl on a loopback port; run as the 'postgres' user when we are root."""

    def __init__(self, bin_dir: Path, folder: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self._count = 0
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            # initdb refuses to run as root.
            pwd.getpwnam("postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]
            os.chmod(folder, 0o777)
            shutil.chown(folder, "postgres")

    def _run(self, *argv: str) -> None:
        subprocess.run([*self._as_user, *argv], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.init_data()
        self.start_server()

    def init_data(self) -> None:
        """initdb: the data folder, with no server started yet (a test may configure it first)."""
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start_server(self) -> None:
        """Start the server on its data folder (again, after `stop`: a restart as a lab's server would have)."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l",
                  str(self.folder / "log"), "start")

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def terminate_backends(self, database: str) -> int:
        """pg_terminate_backend on every connection to `database` (as an administrator would); how many."""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                                (database,)).fetchall()
        return len(rows)

    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self, template: str | None = None) -> str:
        """A fresh database, empty or a copy of the database `template` names (no one may be connected to
        that one); its SQLAlchemy URL."""
        self._count += 1
        name = f"tt_{os.getpid()}_{self._count}"
        copied = "" if template is None else ' TEMPLATE "' + template.replace('"', '""') + '"'
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copied}')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def copy_database(self, template_url: str, db_url: str) -> str:
        """Makes the empty database at `db_url` a copy of the one at `template_url` (nobody connected to either);
        one that has tables already is kept. `db_url`. The server copies files: cheaper than migrating."""
        template, name = make_url(template_url).database, make_url(db_url).database
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={name}") as conn:
            if conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() != (0,):
                return db_url
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            # FORCE: the backend of the check above may not have gone yet on a loaded machine.
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return db_url
