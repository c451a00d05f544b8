"""Item 4: @FILE values are read from regular files only, up to a limit the message names."""

from __future__ import annotations

import os
from pathlib import Path

from tasktune_gui.cli.common import MAX_FILE_BYTES
from tests.support.cli import Run, add_draft, one_error_line


def test_set_refuses_devices_fifos_and_huge_files(tt: Run, sqlite_url: str, tmp_path: Path) -> None:
    task_id = add_draft(sqlite_url, "t")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # opening it would wait forever for a writer
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    one_error_line(tt("set", task_id, "--config", "m=@/dev/zero"), 2, "'/dev/zero'", "not a regular file")
    one_error_line(tt("set", task_id, "--diff", f"@{fifo}"), 2, "not a regular file")
    one_error_line(tt("set", task_id, "--config", f"m=@{huge}"), 2, "larger than the limit of 16 MB")


def test_create_refuses_dev_zero_as_requirements(tt: Run, tmp_path: Path) -> None:
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(tmp_path), "--script", "x.py",
                      "--requirements", "/dev/zero"), 2, "not a regular file")
