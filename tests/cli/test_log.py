"""`log`: the stored console lines byte for byte, with --timestamps, and --follow on a running task."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

from tests.support.cli import Run, add_draft, opened

LINES = [
    ("stdout", "epoch 1 loss=0.5"),
    ("stderr", "  indented warning  "),
    ("stdout", ""),
    ("stdout", "progress 50%\r"),
    ("stdout", "ünïcødé; rm -rf ~ \"quoted\" \t tab"),
]


def log_bytes(db_url: str, *argv: str) -> bytes:
    """stdout of `tasktune log` as bytes, so no newline translation hides what was printed."""
    result = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", db_url, "log", *argv],
                            capture_output=True, timeout=120, check=True)
    assert result.stderr == b""
    return result.stdout


def running(db_url: str, name: str, lines: list[tuple[str, str]]) -> str:
    """A task a worker took that has printed `lines` so far."""
    task_id = add_draft(db_url, name)
    with opened(db_url) as core:
        core.lifecycle.enqueue(task_id)
        core.queues.pop(["default"], worker="w", host="h")
        core.results.append_console(task_id, lines)
    return task_id


def test_log_prints_exactly_the_stored_lines(tt: Run) -> None:
    url = tt.db_url
    task_id = running(url, "logged", LINES)
    with opened(url) as core:
        core.lifecycle.complete(task_id)
    expected = "".join(f"{text}\n" for _, text in LINES).encode()
    assert log_bytes(url, task_id) == expected
    assert log_bytes(url, task_id[:5], "--follow") == expected  # a finished task: --follow ends at once
    stamped = log_bytes(url, task_id, "--timestamps").decode().split("\n")[:-1]
    assert len(stamped) == len(LINES)
    for line, (_, text) in zip(stamped, LINES, strict=True):
        stamp, _, rest = line.partition(" ")
        assert rest == text
        assert datetime.fromisoformat(stamp).utcoffset() is not None


def test_follow_streams_until_the_task_ends(tt: Run) -> None:
    url = tt.db_url
    task_id = running(url, "live", [("stdout", "epoch 1")])
    follower = subprocess.Popen([sys.executable, "-m", "tasktune_gui", "--db", url, "log", task_id, "--follow"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert follower.stdout is not None
        assert follower.stdout.readline() == "epoch 1\n"
        with opened(url) as core:
            core.results.append_console(task_id, [("stdout", "epoch 2")])
        # Printed while the task still runs: the follower streams, it does not wait for the end.
        assert follower.stdout.readline() == "epoch 2\n"
        with opened(url) as core:
            core.results.append_console(task_id, [("stderr", "done")])
            core.lifecycle.complete(task_id)
        rest, errors = follower.communicate(timeout=60)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.communicate()
    assert (rest, errors, follower.returncode) == ("done\n", "", 0)
