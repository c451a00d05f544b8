"""Who did what on a SQLite file: TASKTUNE_USER names the creator, the cloner and who enqueued; `list --user`.

On PostgreSQL the login is the user, whatever TASKTUNE_USER says: tests/lab."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def as_user(url: str, user: str, *argv: str) -> str:
    env = {**os.environ, "TASKTUNE_USER": user}
    done = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", url, *argv], capture_output=True,
                          text=True, env=env, timeout=120, check=True)
    return done.stdout


def test_creator_cloner_and_enqueuer_are_recorded(sqlite_url: str, repo: Path) -> None:
    db_url = sqlite_url
    first = as_user(db_url, "alice", "create", "--project", "Lab", "--name", "one", "--repo", str(repo),
                    "--script", "train.py").strip()
    second = as_user(db_url, "bob", "clone", first).strip()
    as_user(db_url, "carol", "enqueue", second)
    shown = json.loads(as_user(db_url, "dave", "show", second, "--json"))
    assert (shown["user"], shown["enqueued_by"]) == ("bob", "carol")
    assert json.loads(as_user(db_url, "dave", "show", first, "--json"))["enqueued_by"] == ""

    def ids(*argv: str) -> list[str]:
        return [row["id"] for row in json.loads(as_user(db_url, "dave", "list", "--json", *argv))]

    assert ids("--user", "alice") == [first]
    assert ids("--user", "bob") == [second]
    assert sorted(ids("--user", "alice", "--user", "bob")) == sorted([first, second])
