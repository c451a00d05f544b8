"""Who is acting: the database login on PostgreSQL; on SQLite the OS user, or TASKTUNE_USER."""

from __future__ import annotations

import functools
import getpass
import os
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlmodel import Session

LAB_ROLES = ("researcher", "admin", "worker")
GROUP_PREFIX = "tasktune_"  # the PostgreSQL group roles: tasktune_researcher, tasktune_admin, tasktune_worker


@dataclass(frozen=True)
class Identity:
    """The acting user and their lab role; role None: no lab permissions apply (SQLite, or a lab not set up)."""

    user: str
    role: str | None = None

    @property
    def may_do_anything(self) -> bool:
        return self.role in (None, "admin")


def current_user() -> str:
    """The person on a SQLite file (one person's machine): TASKTUNE_USER, else the OS account."""
    named = os.environ.get("TASKTUNE_USER", "").strip()
    return named or _os_account()


@functools.cache
def _os_account() -> str:
    """Read once: every write names its author, and the account lookup may read the passwd database."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


def acting_user(session: Session) -> str:
    """Who makes this session's changes (the Store puts it in each session it opens)."""
    user = session.info.get("user")
    return str(user) if user else current_user()


# One query: the login, whether it is a superuser or owns the task table (then it is the lab's admin), its
# TaskTune group roles, and whether the lab's roles exist at all.
IDENTITY_QUERY = """
SELECT session_user::text,
       (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
         OR EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = 'task' AND c.relkind = 'r'
                    AND c.relnamespace = 'public'::regnamespace AND c.relowner = (
                      SELECT oid FROM pg_roles WHERE rolname = session_user)),
       ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = session_user
             AND g.rolname IN ('tasktune_researcher', 'tasktune_admin', 'tasktune_worker')),
       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tasktune_researcher')
"""


def read_identity(connection: Connection) -> Identity:
    """The PostgreSQL login of this connection and its lab role."""
    user, is_admin, groups, lab_set_up = connection.exec_driver_sql(IDENTITY_QUERY).one()
    if not lab_set_up:
        return Identity(user, None)
    if is_admin:
        return Identity(user, "admin")
    for role in ("admin", "researcher", "worker"):  # the most a login may do wins
        if GROUP_PREFIX + role in groups:
            return Identity(user, role)
    return Identity(user, "guest")  # a login the lab never added: reads only
