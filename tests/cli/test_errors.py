"""Bad input: one line on stderr, the documented exit code, and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.tasks import TaskQuery
from tests.support.cli import Run, add_draft, one_error_line, opened

REFUSED, USAGE = 1, 2


@pytest.fixture
def task_id(tt: Run) -> str:
    return add_draft(tt.db_url, "base")


def snapshot(tt: Run) -> object:
    """Every task's whole record, every queue's entries, the projects and models, read in this process (fast)."""
    with opened(tt.db_url) as core:
        tasks = core.tasks.query(TaskQuery()) + core.tasks.query(TaskQuery(archived=True))
        queues = [(q, core.queues.entries(q.name)) for q in core.queues.summaries()]
        projects = [(p.name, p.counts) for p in core.projects.summaries()]
        return [core.task_json(t.id) for t in tasks], queues, projects, [m.id for m, _ in core.models.list()]


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["show", "0123456789abcdef"], REFUSED, "no task"),
        (["list", "--project", "nowhere"], REFUSED, "no project named 'nowhere'"),
        (["enqueue", "{id}", "--queue", "nope"], REFUSED, "no queue named 'nope' (queues: default)"),
        (["set", "{id}", "--input-model", "feedfacefeedface"], REFUSED, "no model"),
        (["set", "{id}", "--param", "lr=3"], USAGE, "SECTION/NAME=VALUE"),
        (["set", "{id}", "--param", "Args/lr=1", "--param", "no\nequals"], USAGE, "'no equals' is not SECTION"),
        (["set", "{id}", "--env", "NOVALUE"], USAGE, "NAME=VALUE"),
        (["set", "{id}"], USAGE, "nothing to set"),
        (["set", "{id}", "--param", "Args/lr=1", "--diff", "@/no/such.diff"], USAGE, "cannot read --diff"),
        (["set", "{id}", "--requirements", "@/no/such.txt"], USAGE, "cannot read --requirements"),
        (["set", "{id}", "--diff", "@x", "--clear-diff"], USAGE, "not allowed with"),
        (["abort", "{id}"], REFUSED, "cannot abort"),
        (["reset", "{id}"], REFUSED, "cannot reset"),
        (["retry", "{id}"], REFUSED, "cannot retry"),
        (["move", "0123456789abcdef", "--project", "Q"], REFUSED, "no task"),
        (["tag", "0123", "best"], REFUSED, "no task"),
        (["model", "show", "feedfacefeedface"], REFUSED, "no model"),
        (["model", "list", "--project", "nowhere"], REFUSED, "no project named 'nowhere'"),
        (["model", "create", "--name", "m", "--labels", "[cat]"], USAGE, "--labels is not JSON"),
        (["queue", "show", "nope"], REFUSED, "no queue named 'nope'"),
        (["queue", "delete", "nope"], REFUSED, "no queue named 'nope'"),
        (["list", "--limit", "0"], USAGE, "not a positive whole number"),
        (["--db", "not a url", "list"], USAGE, "is not a database URL"),
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
    # All or nothing: the allowed property edit is not applied either.
    one_error_line(tt("set", task_id, "--property", "note=ok", "--param", "Args/lr=9"), REFUSED,
                   "it is Pending", "only in Draft")
    assert snapshot(tt) == before
    with opened(tt.db_url) as core:
        core.queues.pop(["default"], worker="w", host="h")
        core.lifecycle.complete(task_id)
        core.lifecycle.publish(task_id)
    before = snapshot(tt)
    one_error_line(tt("set", task_id, "--property", "note=late"), REFUSED, "it is Published")
    one_error_line(tt("enqueue", task_id), REFUSED, "cannot enqueue")
    one_error_line(tt("delete", task_id), REFUSED, "cannot delete")
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
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", "https://example.org/lab/repo.git",
                      "--script", "train.py"), REFUSED, "is a URL")
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(repo), "--script", "train.py",
                      "--commit", "0badc0de"), REFUSED, "'0badc0de' not found")
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(repo), "--script", "train.py",
                      "--output-uri", "ftp://host/x"), REFUSED, "not an output destination")
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(repo), "--script", "train.py",
                      "--type", "sleeping"), USAGE, "invalid choice")
    assert snapshot(tt) == before


def test_a_file_that_is_not_a_database(tt: Run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 10)
    one_error_line(tt("--db", f"sqlite:///{junk}", "list"), REFUSED, "not a TaskTune database")
    assert junk.read_bytes() == b"not a database at all" * 10
    folder = tmp_path / "folder.db"
    folder.mkdir()
    one_error_line(tt("--db", f"sqlite:///{folder}", "list"), REFUSED, f"Is a directory: '{folder}'")
    assert list(folder.iterdir()) == []
