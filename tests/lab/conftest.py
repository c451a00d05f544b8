"""A lab on a real PostgreSQL: two researchers (alice, bob), an admin (carol) and a worker login (gpu)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core import lab
from tasktune_gui.core.api import Core
from tests.support.lab import PASSWORDS, ROLES, Lab
from tests.support.runs import show_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The execution tests' repository: scripts/show.py reports what it received."""
    return show_repo(tmp_path / "source")


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
