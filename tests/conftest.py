"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL where a server can start)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tasktune_gui.core.api import Core
from tasktune_gui.core.settings import S3Endpoint, Settings
from tests.support.components import IN_CI, require_component
from tests.support.cores import copy_of_migrated, migrated_sqlite, opened
from tests.support.object_stores import StoreServer, azurite_available, start_azure, start_gcs, start_s3
from tests.support.postgres import PostgresCluster, find_postgres_bin

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Fixtures every folder may take: the CLI runner, a worker's settings, the main window, the Qt leak check.
pytest_plugins = ["tests.support.cli", "tests.support.runs", "tests.support.window", "tests.support.qt_leaks"]


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commits in test repositories work on a machine with no git identity configured."""
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Researcher")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "researcher@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Researcher")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "researcher@example.org")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    home = tmp_path_factory.getbasetemp() / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("TASKTUNE_DB", raising=False)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster | None]:
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        yield None
        return
    # Not under pytest's temp folder: that one is private to root, and the server runs as 'postgres'.
    folder = Path(tempfile.mkdtemp(prefix="tasktune-pg-"))
    cluster = PostgresCluster(bin_dir, folder)
    try:
        cluster.start()
    except (OSError, subprocess.CalledProcessError) as exc:
        if IN_CI:
            raise
        print(f"PostgreSQL did not start: {exc}")
        yield None
        return
    yield cluster
    cluster.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tasktune.db'}"


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster | None) -> str:
    require_component("PostgreSQL", postgres_cluster is not None, "install postgresql (initdb, pg_ctl)")
    assert postgres_cluster is not None
    return postgres_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test that takes it runs once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


# A test's core opens a copy of a database migrated once per session: migrating a new one would cost each test
# that opens a database a second or so. The migrations themselves are tested in tests/core.
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_template(postgres_cluster: PostgresCluster | None) -> str | None:
    if postgres_cluster is None:
        return None
    url = postgres_cluster.new_database()
    with opened(url):
        pass
    postgres_cluster.terminate_backends(str(make_url(url).database))  # a copy needs its source unused
    return url


@pytest.fixture
def migrated_sqlite_url(sqlite_url: str, sqlite_template: Path) -> str:
    """`sqlite_url`, holding a database with the newest schema and nothing else (as a first open leaves it)."""
    return copy_of_migrated(sqlite_template, sqlite_url)


@pytest.fixture
def migrated_postgres_url(postgres_url: str, postgres_cluster: PostgresCluster,
                          postgres_template: str | None) -> str:
    """`postgres_url`, holding the newest schema and nothing else (as a first open leaves it)."""
    assert postgres_template is not None
    return postgres_cluster.copy_database(postgres_template, postgres_url)


@pytest.fixture
def core(request: pytest.FixtureRequest, db_url: str) -> Iterator[Core]:
    migrated = "migrated_sqlite_url" if db_url.startswith("sqlite") else "migrated_postgres_url"
    with opened(request.getfixturevalue(migrated)) as core:
        yield core


@pytest.fixture
def sqlite_core(migrated_sqlite_url: str) -> Iterator[Core]:
    with opened(migrated_sqlite_url) as core:
        yield core


@pytest.fixture
def pg_core(migrated_postgres_url: str) -> Iterator[Core]:
    with opened(migrated_postgres_url) as core:
        yield core


@pytest.fixture(scope="session")
def object_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, StoreServer]]:
    """S3 over HTTP and over HTTPS (moto), GCS (gcp-storage-emulator) and Azure (Azurite) on loopback ports,
    started once for the session; each test makes its own buckets."""
    require_component("Azurite", azurite_available(), "npm install -g azurite")
    folder = tmp_path_factory.mktemp("object-stores")
    servers: dict[str, StoreServer] = {}
    try:
        servers["s3"] = start_s3(folder / "s3")
        servers["s3-https"] = start_s3(folder / "s3-https", https=True)
        servers["gcs"] = start_gcs(folder / "gcs")
        servers["azure"] = start_azure(folder / "azure")
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def store_env(object_stores: dict[str, StoreServer], monkeypatch: pytest.MonkeyPatch) -> dict[str, StoreServer]:
    """The servers' credentials and addresses in this process's environment, where each cloud's tools read them;
    the HTTPS endpoint's CA in TaskTune's settings."""
    for server in object_stores.values():
        for name, value in server.env.items():
            monkeypatch.setenv(name, value)
    https = object_stores["s3-https"]
    settings = Settings.load()
    settings.set_s3_endpoint(https.netloc, S3Endpoint(secure=True, ca_file=str(https.ca_file)))
    settings.save()
    return object_stores
