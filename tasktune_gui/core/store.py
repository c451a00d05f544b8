"""The database: opening (with checks and migrations), sessions for reading and for writing."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError, ProgrammingError
from sqlmodel import Session

from tasktune_gui.core.errors import DatabaseRefused, DiskFull, NotPermitted
from tasktune_gui.core.events import Change, noted, take_noted, write_noted
from tasktune_gui.core.migrate import HEAD, known_revision, upgrade_to_head
from tasktune_gui.core.users import Identity, current_user, read_identity

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
NO_ROOM_BYTES = 64 << 10  # less free space than this, and a failed write is a full disk
INSUFFICIENT_PRIVILEGE = "42501"  # a grant or a row-level security policy refused the statement


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for an in-memory database or another server."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_engine(url: str, *, immediate: bool, read_only: bool = False) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        if not read_only:  # a read-only file keeps the journal it has
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the lock up front so two writers never deadlock upgrading a read lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_engine(url: str) -> Engine:
    from tasktune_gui.core.passwords import connect_password

    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "do_connect")
    def _on_connect(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        connect_password(url, params)

    return engine


def _inspect_existing(url: str) -> tuple[set[str], str | None]:
    """Table names and schema revision, read without writing anything."""
    path = sqlite_path(url)
    if path is not None:
        if not path.exists() or path.stat().st_size == 0:
            return set(), None
        with path.open("rb") as handle:
            if handle.read(16) != SQLITE_MAGIC:
                raise DatabaseRefused(f"'{path}' is not a TaskTune database (it is not an SQLite file)")
        probe_url = f"sqlite:///file:{path}?mode=ro&uri=true"
        if not os.access(path.parent, os.W_OK):  # a read-only disk: no WAL files can be made, nobody writes
            probe_url += "&immutable=1"
    else:
        probe_url = url
    engine = create_engine(probe_url) if path is not None else _postgres_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = None
            if "alembic_version" in tables:
                row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
                revision = row[0] if row else None
            return tables, revision
    except (DatabaseError, OperationalError) as exc:
        path = sqlite_path(url)
        if path is not None and _no_room(path):  # SQLite says "disk I/O error" when it cannot make its WAL files
            raise DiskFull(str(path)) from exc
        raise DatabaseRefused(f"cannot open the database {_safe(url)}: {exc.orig}") from exc
    finally:
        engine.dispose()


def _no_room(path: Path) -> bool:
    """Whether the disk holding the database is (all but) full."""
    try:
        return shutil.disk_usage(path.parent).free < NO_ROOM_BYTES
    except OSError:
        return False


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def check_database(url: str) -> tuple[bool, str | None]:
    """Refuse a database that is not TaskTune's or is newer than this app; (is it empty, its revision)."""
    tables, revision = _inspect_existing(url)
    if not tables:
        return True, None
    if "tasktune_info" not in tables or "alembic_version" not in tables:
        raise DatabaseRefused(f"{_safe(url)} is not a TaskTune database; it was left untouched")
    if revision is not None and not known_revision(revision):
        raise DatabaseRefused(
            f"{_safe(url)} was written by a newer TaskTune (schema {revision}); update the app to open it"
        )
    return False, revision


class Store:
    """The opened database: short read sessions and serialized write transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        # Called with the changes a write transaction noted, once it has committed.
        self.after_commit: Callable[[list[Change]], None] | None = None
        self.dialect = make_url(url).get_backend_name()
        # PostgreSQL followers (workers, windows on other machines) wake on NOTIFY sent with each change.
        self._notify: Callable[[Session, list[Change]], None] | None = None
        if self.dialect == "postgresql":
            from tasktune_gui.core.notify import send_notifications

            self._notify = send_notifications
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # On a read-only disk SQLite cannot make its WAL files: the file is read as it is, and said to be so.
        self.read_only = path is not None and path.is_file() and not os.access(path.parent, os.W_OK)
        self.created, revision = check_database(url)
        if self.read_only:
            if revision != HEAD:
                raise DatabaseRefused(f"{_safe(url)} is on a read-only disk and needs an upgrade this app cannot "
                                      "write; open it where it can be written")
            read_only_url = f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true"
            self.engine = self.write_engine = _sqlite_engine(read_only_url, immediate=False, read_only=True)
            return
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(url, immediate=False)
            self.write_engine = _sqlite_engine(url, immediate=True)
        else:
            self.engine = _postgres_engine(url)
            self.write_engine = self.engine
        if revision != HEAD:
            try:
                self._upgrade(revision)
            except BaseException:
                self.close()  # a refused open keeps no connection
                raise

    def _upgrade(self, revision: str | None) -> None:
        """Migrate to this app's schema; in a lab, the owner's upgrade extends the lab's rules to new tables."""
        try:
            with self.write_engine.begin() as conn:
                upgrade_to_head(conn)
                if self.dialect == "postgresql":
                    from tasktune_gui.core import lab

                    if lab.is_set_up(conn):
                        lab.set_up(conn)
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            change = f"its schema upgraded from {revision} to {HEAD}" if revision else f"its tables made ({HEAD})"
            raise DatabaseRefused(f"{_safe(self.url)} needs {change}, which only its owner may do: ask your lab "
                                  "admin to open it once with this TaskTune") from None

    @property
    def display_name(self) -> str:
        return _safe(self.url)

    @property
    def identity(self) -> Identity:
        """Who acts: the PostgreSQL login and its lab role; on SQLite the OS user (or TASKTUNE_USER)."""
        if self.dialect != "postgresql":
            return Identity(current_user())
        return self._login

    @functools.cached_property
    def _login(self) -> Identity:
        with self.engine.connect() as connection:  # read once: a login and its role last the session
            return read_identity(connection)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back whole on any error."""
        if self.read_only:
            raise DatabaseRefused(f"{self.display_name} is on a read-only disk: it was opened read-only, so "
                                  "nothing can be changed")
        with Session(self.write_engine, expire_on_commit=False) as session:
            session.info["user"] = self.identity.user
            try:
                with session.begin():
                    yield session
                    write_noted(session)
                    if self._notify is not None and noted(session):
                        self._notify(session, noted(session))
            except ProgrammingError as exc:
                take_noted(session)
                if getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
                    raise NotPermitted(f"the database refused it: {str(exc.orig).splitlines()[0]} "
                                       f"({self.identity.user} is a lab {self.identity.role})") from exc
                raise
            except OperationalError as exc:
                take_noted(session)
                path = sqlite_path(self.url)
                if path is not None and ("disk is full" in str(exc.orig) or _no_room(path)):
                    raise DiskFull(str(path)) from exc
                raise
            except BaseException:
                take_noted(session)
                raise
            changes = take_noted(session)
        if changes and self.after_commit is not None:
            self.after_commit(changes)

    def close(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()
