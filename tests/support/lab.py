"""A lab's logins on a real PostgreSQL: their passwords and roles, and the URL and Core of each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url

from tasktune_gui.core.api import Core
from tasktune_gui.core.store import Store

PASSWORDS = {"alice": "alice-Secret-7f3", "bob": "bob-Secret-91c", "carol": "carol-Secret-2d8",
             "gpu": "gpu-Secret-c44", "gpu2": "gpu2-Secret-0b9"}
# Two worker logins: each writes only the runs it claimed.
ROLES = {"alice": "researcher", "bob": "researcher", "carol": "admin", "gpu": "worker", "gpu2": "worker"}


@dataclass
class Lab:
    owner_url: str  # the superuser that made the database: the lab's first admin

    def url(self, login: str, with_password: bool = False) -> str:
        password = PASSWORDS[login] if with_password else None
        return make_url(self.owner_url).set(username=login, password=password).render_as_string(
            hide_password=False)

    def open(self, login: str) -> Core:
        return Core(Store(self.url(login)))
