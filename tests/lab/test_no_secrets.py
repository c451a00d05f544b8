"""After a lab is set up and used with passwords in its URLs, no file TaskTune wrote holds one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import in_process
from tests.support.git import git
from tests.support.lab import PASSWORDS, Lab

NEW_PASSWORD = "dave-Secret-5e0"


def test_no_password_in_any_file_tasktune_writes(lab_db: Lab, repo: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 request: pytest.FixtureRequest) -> None:
    home = tmp_path / "home"
    folders = {name: home / sub for name, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                                                  ("XDG_CACHE_HOME", ".cache"), ("XDG_STATE_HOME", ".local/state"))}
    monkeypatch.setenv("HOME", str(home))
    for name, path in folders.items():
        monkeypatch.setenv(name, str(path))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.chdir(repo)

    def tt(login: str, *argv: str, stdin: str = "") -> str:
        # The CLI in this process (each folder is read from the environment when used): the worker's cache,
        # settings, autostart entry and launcher land under `home` as they would from the `tasktune` command.
        done = in_process(lab_db.url(login, with_password=True), *argv, stdin=stdin)
        assert done.returncode == 0, (argv, done.stderr)
        assert PASSWORDS[login] not in done.stdout + done.stderr  # nor said on the terminal
        return done.stdout + done.stderr

    (repo / "hello.py").write_text("print('hello')\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "hello")
    tt("carol", "lab", "add-user", "dave", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    # Logins belong to the whole server, which the session's other labs share: dave leaves with this test.
    request.addfinalizer(lambda: in_process(lab_db.url("carol"), "lab", "remove-user", "dave"))
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
