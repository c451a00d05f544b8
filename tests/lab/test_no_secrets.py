"""After a lab is set up and used with passwords in its URLs, no file TaskTune wrote holds one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.git import git
from tests.support.lab import PASSWORDS, Lab

NEW_PASSWORD = "dave-Secret-5e0"


def test_no_password_in_any_file_tasktune_writes(lab_db: Lab, repo: Path, tmp_path: Path) -> None:  # noqa: F811
    home = tmp_path / "home"
    folders = {name: home / sub for name, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                                                  ("XDG_CACHE_HOME", ".cache"), ("XDG_STATE_HOME", ".local/state"))}
    env = {**os.environ, "HOME": str(home), **{name: str(path) for name, path in folders.items()}}
    env.pop("PGPASSWORD", None)

    def tt(login: str, *argv: str, stdin: str | None = None) -> str:
        url = lab_db.url(login, with_password=True)
        done = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", url, *argv], capture_output=True,
                              text=True, env=env, input=stdin, cwd=repo, timeout=180, check=False)
        assert done.returncode == 0, (argv, done.stderr)
        assert PASSWORDS[login] not in done.stdout + done.stderr  # nor said on the terminal
        return done.stdout + done.stderr

    (repo / "hello.py").write_text("print('hello')\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "hello")
    tt("carol", "lab", "add-user", "dave", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    task_id = tt("alice", "create", "--project", "lab", "--name", "run", "--repo", str(repo), "--script",
                 "hello.py", "--queue", "default").splitlines()[0]
    tt("gpu", "worker", "--once")
    assert '"status": "completed"' in tt("alice", "show", task_id, "--json")
    said = tt("gpu", "tray", "--queue", "default", "--autostart", "on")
    assert "password was not saved" in said and "~/.pgpass" in said
    said = tt("alice", "desktop", "install")
    assert "password was not saved in the launcher" in said

    entry = (folders["XDG_CONFIG_HOME"] / "autostart" / "tasktune-tray.desktop").read_text()
    assert lab_db.url("gpu") in entry  # the login is kept, its password is not
    written = [path for path in home.rglob("*") if path.is_file()]
    assert written, "nothing was written: the check would prove nothing"
    secrets = [*PASSWORDS.values(), NEW_PASSWORD]
    for path in written:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"{path} holds a password"
