"""Cases the adversarial pass found holding, kept so: racing edits, a corrupted database file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.cli import Run, add_draft, one_error_line, show


def test_parallel_sets_of_one_task_both_land_whole(tt: Run, sqlite_url: str) -> None:
    task_id = add_draft(sqlite_url, "t")
    argv = [sys.executable, "-m", "tasktune_gui", "--db", sqlite_url, "set", task_id]
    edits = [subprocess.Popen([*argv, "--param", f"Args/p{n}={n}", "--property", f"owner{n}=x"],
                              stderr=subprocess.PIPE, text=True) for n in range(4)]
    for process in edits:
        assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
        if process.stderr is not None:
            process.stderr.close()
    record = show(tt, task_id)
    assert {f"p{n}" for n in range(4)} <= set(record["hyperparams"]["Args"])
    assert {f"owner{n}" for n in range(4)} == set(record["user_properties"])


def test_a_truncated_database_is_refused_and_left_as_it_was(tt: Run, sqlite_url: str, tmp_path: Path) -> None:
    add_draft(sqlite_url, "t")
    database = tmp_path / "tasktune.db"
    cut = tmp_path / "cut.db"
    cut.write_bytes(database.read_bytes()[:1024])  # the header survives, the pages do not
    before = cut.read_bytes()
    result = tt("--db", f"sqlite:///{cut}", "list")
    one_error_line(result, 1)
    assert cut.read_bytes() == before
