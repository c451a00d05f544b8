"""Item 8: messages a researcher can act on: bad URLs, huge numbers, short ids, a full or read-only disk.

The disk cases run on a real small filesystem: a tmpfs mounted for the test (needs root, as CI has)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import Run, add_draft, one_error_line
from tests.support.components import require_component


@pytest.mark.parametrize(("url", "fragment"), [
    ("postgresql+psycopg://u@h:notaport/x", "a port must be a number"),
    ("mysql://u@h/x", "TaskTune works with SQLite and PostgreSQL databases, not 'mysql'"),
    ("sqlite:///:memory:", "an in-memory SQLite database would be lost"),
    ("sqlite://", "an in-memory SQLite database would be lost"),
    ("sqlite:////dev/null", "'/dev/null' is not a regular file"),
])
def test_database_urls_that_cannot_work_are_said_plainly(tt: Run, url: str, fragment: str) -> None:
    one_error_line(tt("--db", url, "list"), 2, fragment)


def test_a_huge_limit_and_a_short_id(tt: Run, sqlite_url: str) -> None:
    one_error_line(tt("list", "--limit", "99999999999999999999"), 2, "is more than 1,000,000,000,000")
    task_id = add_draft(sqlite_url, "t")
    one_error_line(tt("show", task_id[:3]), 1, "a shortened id needs at least 4 characters")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs of the test's own."""
    can_mount = os.geteuid() == 0 and shutil.which("mount") is not None
    require_component("mounting a tmpfs", can_mount, "run the suite as root")
    folder = tmp_path / "disk"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_named(tt: Run, small_disk: Path) -> None:
    url = f"sqlite:///{small_disk / 'tasktune.db'}"
    assert tt("--db", url, "project", "create", "before").returncode == 0
    with (small_disk / "filler").open("wb") as filler:
        while True:  # until the disk is full
            try:
                filler.write(b"\0" * 65536)
                filler.flush()
            except OSError:
                break
    one_error_line(tt("--db", url, "project", "create", "after"), 1,
                   f"the disk holding {small_disk / 'tasktune.db'} is full")
    (small_disk / "filler").unlink()
    assert tt("--db", url, "project", "list").stdout.split() == ["before"]  # nothing half-written


def test_a_database_on_a_read_only_disk_is_listed(tt: Run, small_disk: Path) -> None:
    url = f"sqlite:///{small_disk / 'tasktune.db'}"
    assert tt("--db", url, "project", "create", "kept").returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    listed = tt("--db", url, "project", "list")
    assert (listed.returncode, listed.stdout.split()) == (0, ["kept"])
    assert "is on a read-only disk; opened read-only" in listed.stderr
    refused = tt("--db", url, "project", "create", "new")
    assert refused.returncode == 1 and "opened read-only, so nothing can be changed" in refused.stderr
