"""`tasktune lab ...` and the lab's refusals on the command line: one line, exit 1, nothing changed."""

from __future__ import annotations

import json
import subprocess

from tasktune_gui.core.models import Task
from tests.support.cli import in_process
from tests.support.lab import ROLES, Lab


def tt(lab: Lab, login: str, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The command as `login` (the CLI in this process: what it answers is the point here, not its start)."""
    return in_process(lab.owner_url if login == "owner" else lab.url(login), *argv, stdin=stdin)


def refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tasktune: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def users(lab: Lab) -> dict[str, str]:
    listed = json.loads(tt(lab, "carol", "lab", "users", "--json").stdout)
    return {user["name"]: user["role"] for user in listed}


def test_lab_users_added_changed_and_removed(lab_db: Lab) -> None:
    assert users(lab_db) == ROLES
    added = tt(lab_db, "owner", "lab", "add-user", "dave", "--password-stdin", stdin="dave-pw\n")
    assert added.returncode == 0 and "added dave as a lab researcher" in added.stderr, added.stderr
    changed = tt(lab_db, "carol", "lab", "add-user", "dave", "--role", "worker", "--no-password")  # an admin may
    assert changed.returncode == 0, changed.stderr
    assert users(lab_db)["dave"] == "worker"
    refused(tt(lab_db, "bob", "lab", "add-user", "eve", "--no-password"), "bob cannot manage lab users")
    refused(tt(lab_db, "carol", "lab", "add-user", "Robert'); --", "--no-password"), "not a lab login name")
    assert tt(lab_db, "carol", "lab", "remove-user", "dave").returncode == 0
    assert "dave" not in users(lab_db)
    refused(tt(lab_db, "carol", "lab", "remove-user", "postgres"), "not a login of this lab")
    assert tt(lab_db, "gpu", "lab", "whoami").stdout == "gpu\tworker\n"
    no_terminal = tt(lab_db, "carol", "lab", "add-user", "eve")
    assert no_terminal.returncode == 2 and "--password-stdin" in no_terminal.stderr


def test_bob_is_refused_in_one_line_and_clones(lab_db: Lab) -> None:
    alice = lab_db.open("alice")
    try:
        task_id = alice.tasks.add(Task(id="", name="alices", repository="/src", entry_point="t.py"), "vision")
    finally:
        alice.close()
    assert tt(lab_db, "alice", "enqueue", task_id).returncode == 0
    refused(tt(lab_db, "bob", "abort", task_id), f"cannot abort task {task_id}", "alice's")
    refused(tt(lab_db, "bob", "set", task_id, "--param", "Args/lr=1"), "alice's")
    refused(tt(lab_db, "bob", "queue", "create", "mine"), "only a lab admin")
    refused(tt(lab_db, "gpu", "clone", task_id), "worker login")
    clone = tt(lab_db, "bob", "clone", task_id)
    assert clone.returncode == 0, clone.stderr
    assert json.loads(tt(lab_db, "bob", "show", clone.stdout.strip(), "--json").stdout)["user"] == "bob"
    assert tt(lab_db, "carol", "abort", task_id).returncode == 0
    shown = json.loads(tt(lab_db, "bob", "show", task_id, "--json").stdout)
    assert shown["status"] == "aborted"
