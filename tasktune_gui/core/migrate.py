"""Alembic migrations run from inside the app: every open upgrades the schema to the newest."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

MIGRATIONS = ("tasktune_gui.core", "migrations")  # package data: Alembic's env.py, the scripts in versions/
# Every revision in order, oldest first. A test checks this against the migration scripts; it lets an
# up-to-date database open without importing Alembic at all, a large part of the CLI's start-up.
# In the order they were merged: 0013 (lab logins) reached main before 0011 (Slurm), then 0012 (sweeps).
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0013", "0011",
             "0012", "0014")
HEAD = REVISIONS[-1]


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    from tasktune_gui.core.assets import package_path

    config = Config()
    config.set_main_option("script_location", str(package_path(*MIGRATIONS)))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revision(revision: str) -> bool:
    return revision in REVISIONS


def script_revisions() -> list[str]:
    """The revisions the migration scripts define, oldest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def upgrade_to_head(connection: Connection, target: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), target)


def current_revision(connection: Connection) -> str | None:
    row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return str(row[0]) if row else None
