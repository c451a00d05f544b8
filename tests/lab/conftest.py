"""A lab on a real PostgreSQL: two researchers (alice, bob), an admin (carol) and two worker logins (gpu, gpu2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core import lab
from tasktune_gui.core.api import Core
from tests.support.components import require_component
from tests.support.lab import PASSWORDS, ROLES, Lab
from tests.support.postgres import PostgresCluster
from tests.support.runs import show_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The execution tests' repository: scripts/show.py reports what it received."""
    return show_repo(tmp_path / "source")


@pytest.fixture(scope="session")
def lab_template(postgres_cluster: PostgresCluster | None) -> str:
    """The name of a database set up once per session as a lab's owner would: migrated, the lab's rules made,
    the logins added (roles belong to the whole server, so they serve every copy)."""
    require_component("PostgreSQL", postgres_cluster is not None, "install postgresql (initdb, pg_ctl)")
    assert postgres_cluster is not None
    url = postgres_cluster.new_database()
    owner = Core.open(url)
    try:
        with owner.store.write_engine.begin() as connection:
            for login, role in ROLES.items():
                lab.add_user(connection, login, role, PASSWORDS[login])
    finally:
        owner.close()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def lab_db(postgres_cluster: PostgresCluster, lab_template: str) -> Lab:
    """A fresh copy of the set-up lab for each test: a file copy in the server, a fraction of a set-up's time."""
    return Lab(postgres_cluster.new_database(template=lab_template))


class Cores(dict[str, Core]):
    """A Core per login, opened when a test first uses it (most use two or three of the five)."""

    def __init__(self, lab: Lab) -> None:
        super().__init__()
        self.lab = lab

    def __missing__(self, login: str) -> Core:
        self[login] = core = self.lab.open(login)
        return core


@pytest.fixture
def cores(lab_db: Lab) -> Iterator[dict[str, Core]]:
    """An open Core per login."""
    opened = Cores(lab_db)
    try:
        yield opened
    finally:
        for core in opened.values():
            core.close()
