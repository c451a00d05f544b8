"""Bad input: one line on stderr, the documented exit code, and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.tasks import TaskQuery
from tests.cli.conftest import Run, created_id, one_error_line

REFUSED, USAGE = 1, 2


@pytest.fixture
def task_id(tt: Run, repo: Path) -> str:
    return created_id(tt("create", "--project", "P", "--name", "base", "--repo", str(repo), "--script", "train.py"))


def snapshot(tt: Run) -> object:
    """Every task's whole record and every queue's entries, read in this process (fast)."""
    core = Core.open(tt.db_url)  # type: ignore[attr-defined]
    try:
        tasks = core.tasks.query(TaskQuery()) + core.tasks.query(TaskQuery(archived=True))
        queues = [(q, core.queues.entries(q.name)) for q in core.queues.summaries()]
        return [core.task_json(t.id) for t in tasks], queues, [m.id for m, _ in core.models.list()]
    finally:
        core.close()


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["show", "0123456789abcdef"], REFUSED, "no task"),
        (["list", "--project", "nowhere"], REFUSED, "no project named 'nowhere'"),
        (["enqueue", "{id}", "--queue", "nope"], REFUSED, "no queue named 'nope' (queues: default)"),
        (["set", "{id}", "--input-model", "feedfacefeedface"], REFUSED, "no model"),
        (["set", "{id}", "--param", "lr=3"], USAGE, "SECTION/NAME=VALUE"),
        (["set", "{id}", "--param", "Args/lr=1", "--config", "c=@/no/such/file"], USAGE, "cannot read"),
        (["set", "{id}", "--requirements", "plain.txt"], USAGE, "@FILE"),
        (["set", "{id}", "--param", "Args/lr=1", "--output-uri", "s3://minio.lab/bucket"], REFUSED, "port"),
        (["publish", "{id}"], REFUSED, "cannot publish"),
        (["dequeue", "{id}"], REFUSED, "cannot dequeue"),
        (["delete", "{id}x"], REFUSED, "no task"),
        (["queue", "move", "{id}", "--to", "front"], REFUSED, "not in a queue"),
        (["list", "--status", "sleeping"], REFUSED, "not a status"),
        (["frobnicate"], USAGE, "invalid choice"),
        (["create", "--project", "P"], USAGE, "required"),
    ],
)
def test_refusals_change_nothing(tt: Run, task_id: str, argv: list[str], code: int, fragment: str) -> None:
    before = snapshot(tt)
    one_error_line(tt(*[part.format(id=task_id) for part in argv]), code, fragment)
    assert snapshot(tt) == before


def test_editing_a_task_that_is_not_a_draft(tt: Run, task_id: str) -> None:
    tt("enqueue", task_id, check=True)
    before = snapshot(tt)
    one_error_line(tt("set", task_id, "--param", "Args/lr=9"), REFUSED, "it is Pending", "only in Draft")
    assert snapshot(tt) == before


def test_create_refusals(tt: Run, repo: Path, tmp_path: Path) -> None:
    before = snapshot(tt)
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.py").write_text("print(1)\n")
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(plain), "--script", "a.py"),
                   REFUSED, "not inside a git repository")
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(repo), "--script", "../plain/a.py"),
                   REFUSED, "outside the repository")
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(repo), "--script", "train.py",
                      "--queue", "missing"), REFUSED, "no queue named 'missing'")
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(repo), "--script", "train.py",
                      "--requirements", str(tmp_path / "absent.txt")), USAGE, "cannot read")
    assert snapshot(tt) == before


def test_a_file_that_is_not_a_database(tt: Run, tmp_path: Path) -> None:
    import subprocess
    import sys

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 10)
    result = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", f"sqlite:///{junk}", "list"],
                            capture_output=True, text=True)
    one_error_line(result, REFUSED, "not a TaskTune database")
    assert junk.read_bytes() == b"not a database at all" * 10
