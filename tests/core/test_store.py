"""Opening databases: new ones, older ones (upgraded), and ones that are refused and left untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import DatabaseRefused
from tasktune_gui.core.migrate import HEAD, upgrade_to_head
from tasktune_gui.core.settings import default_db_url
from tasktune_gui.core.store import Store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_file_is_created_at_the_newest_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "tasktune.db"
    store = Store(f"sqlite:///{path}")
    assert store.created
    with store.read() as session:
        assert session.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
    store.close()


def test_models_and_migrations_agree(db_url: str) -> None:
    """A model change without a migration fails here."""
    Store(db_url).close()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_a_database_at_the_first_schema_is_upgraded_with_its_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        upgrade_to_head(conn, target="0001")
        conn.execute(text("INSERT INTO project (name, description, created, last_update) "
                          "VALUES ('Old', '', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO task (id, name, type, project_id, description, user, archived, status, status_reason, "
            "status_message, abort_requested, created, last_update, repository, entry_point, working_dir, binary, "
            "requirements, original_requirements, diff, container_image, container_arguments, "
            "container_setup_script, output_uri, labels) VALUES ('0123456789abcdef', 'kept', 'training', 1, '', "
            "'me', 0, 'completed', '', '', 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00', '/r', 'a.py', '.', "
            "'python3', '', '', '', '', '', '', '', '{}')"))
    engine.dispose()
    core = Core.open(url)
    assert core.task_json("0123456789abcdef")["name"] == "kept"
    with core.store.read() as session:
        assert session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
    core.close()


def test_a_newer_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseRefused, match="newer TaskTune"):
        Store(f"sqlite:///{path}")
    assert digest(path) == before


def test_files_that_are_not_tasktune_databases_are_refused_and_untouched(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01 not sqlite " * 100)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.close()
    for path, message in ((junk, "not an SQLite file"), (other, "not a TaskTune database")):
        before = digest(path)
        with pytest.raises(DatabaseRefused, match=message):
            Store(f"sqlite:///{path}")
        assert digest(path) == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [path.name]


def test_default_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TASKTUNE_DB", "postgresql+psycopg://lab/tasks")
    assert default_db_url() == "postgresql+psycopg://lab/tasks"
    monkeypatch.delenv("TASKTUNE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_url() == f"sqlite:///{tmp_path / 'tasktune' / 'tasktune.db'}"
