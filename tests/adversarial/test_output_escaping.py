"""Item 6 (output): names are printed escaped, never obeyed; on a terminal a huge name does not pad every row."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from sqlalchemy import update

from tasktune_gui.core.models import Task
from tests.support.cli import Run, add_draft, opened

HOSTILE = "\x1b[31mred\x07\nsecond line"


def store_raw_name(db_url: str, task_id: str, name: str) -> None:
    """A name written before names were checked (or by another tool): the output must still be safe."""
    with opened(db_url) as core, core.store.write() as session:
        session.execute(update(Task).where(Task.id == task_id).values(name=name))  # type: ignore[arg-type]


def test_list_and_show_escape_control_characters(tt: Run, sqlite_url: str) -> None:
    task_id = add_draft(sqlite_url, "t")
    store_raw_name(sqlite_url, task_id, HOSTILE)
    for argv in (("list",), ("show", task_id)):
        out = tt(*argv).stdout
        assert "\x1b" not in out and "\x07" not in out
        assert "\\x1b[31mred\\x07\\nsecond line" in out
    assert len(tt("list").stdout.splitlines()) == 2  # the header and one row: the newline did not break it


def test_a_huge_name_is_cut_on_a_terminal_only(tt: Run, sqlite_url: str) -> None:
    store_raw_name(sqlite_url, add_draft(sqlite_url, "t"), "n" * 120_000)
    add_draft(sqlite_url, "short")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", sqlite_url, "list"], stdout=follower,
                              stderr=subprocess.PIPE, timeout=120, check=False)
        os.close(follower)
        assert done.returncode == 0, done.stderr
        output = b""
        while chunk := _read(leader):
            output += chunk
    finally:
        os.close(leader)
    rows = output.decode().splitlines()
    assert max(len(row) for row in rows) < 150
    assert any("…" in row for row in rows)
    assert len(max(tt("list").stdout.splitlines(), key=len)) > 120_000  # piped: whole, for scripts


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal's other end is closed: all was read
        return b""
