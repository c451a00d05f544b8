"""A lab on a real PostgreSQL: two researchers (alice, bob), an admin (carol) and a worker login (gpu)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tasktune_gui.core import lab
from tasktune_gui.core.api import Core
from tasktune_gui.core.store import Store
from tests.support.runs import show_repo

PASSWORDS = {"alice": "alice-Secret-7f3", "bob": "bob-Secret-91c", "carol": "carol-Secret-2d8",
             "gpu": "gpu-Secret-c44"}
ROLES = {"alice": "researcher", "bob": "researcher", "carol": "admin", "gpu": "worker"}


@dataclass
class Lab:
    owner_url: str  # the superuser that made the database: the lab's first admin

    def url(self, login: str, with_password: bool = False) -> str:
        password = PASSWORDS[login] if with_password else None
        return make_url(self.owner_url).set(username=login, password=password).render_as_string(
            hide_password=False)

    def open(self, login: str) -> Core:
        return Core(Store(self.url(login)))


@pytest.fixture
def lab_db(postgres_url: str) -> Lab:
    """A fresh database, migrated by its owner, with the four lab logins added."""
    owner = Core.open(postgres_url)
    try:
        with owner.store.write_engine.begin() as connection:
            for login, role in ROLES.items():
                lab.add_user(connection, login, role, PASSWORDS[login])
    finally:
        owner.close()
    return Lab(postgres_url)


@pytest.fixture
def cores(lab_db: Lab) -> Iterator[dict[str, Core]]:
    """An open Core per login."""
    opened = {login: lab_db.open(login) for login in ROLES}
    try:
        yield opened
    finally:
        for core in opened.values():
            core.close()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The execution tests' repository (scripts/show.py and helper.py, on branch main)."""
    return show_repo(tmp_path / "source")
