"""Keys from a real ssh-agent: an alias with no IdentityFile logs in with what the agent holds."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.ssh.config import connect, resolve
from tasktune_gui.execution.worker.worker import Worker
from tests.support.components import require_component
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.ssh_agent import SshAgent
from tests.support.sshd import SshServer
from tests.support.waiting import wait_for


@pytest.fixture
def ssh_agent(tmp_path: Path) -> Iterator[SshAgent]:
    found = shutil.which("ssh-agent") is not None and shutil.which("ssh-add") is not None
    require_component("ssh-agent", found, "install openssh-client (ssh-agent, ssh-add)")
    agent = SshAgent(tmp_path / "agent")
    yield agent
    agent.stop()


def _logs_in(server: SshServer) -> str:
    """Connect to the alias as a run would: "" when logged in, else the reason it was refused."""
    options = SshOptions(config_files=[server.ssh_config])

    async def attempt() -> None:
        connection = await connect(resolve(server.alias, options), options)
        connection.close()
        await connection.wait_closed()

    try:
        asyncio.run(attempt())
    except StepFailed as exc:
        return exc.reason
    return ""


def _agent_holds_only(server: SshServer, agent: SshAgent) -> None:
    """The client key goes into the agent; its file goes, so nothing but the agent can offer it."""
    agent.add(server.client_key)
    assert server.client_key.name in agent.listed()
    server.client_key.unlink()


def test_a_run_logs_in_with_a_key_from_ssh_auth_sock(sqlite_core: Core, ssh_worker: Worker, sshd: SshServer,
                                                     ssh_agent: SshAgent, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sshd.write_client_config(key_file=False)
    _agent_holds_only(sshd, ssh_agent)
    # No agent in the environment: the alias has no key to offer.
    assert _logs_in(sshd) == "ssh authentication failed"
    monkeypatch.setenv("SSH_AUTH_SOCK", str(ssh_agent.socket))
    root = tmp_path / "source"
    root.mkdir()
    (root / "job.py").write_text("print('logged in by the agent')\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    task_id = add_task(sqlite_core, root, queue="lab", entry_point="job.py")
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), 60, "the remote run")
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "completed", (task.status_reason, task.status_message)
    assert [line.text for line in sqlite_core.results.console(task_id)] == ["logged in by the agent"]


def test_identity_agent_in_the_config_is_honoured(sshd: SshServer, ssh_agent: SshAgent) -> None:
    _agent_holds_only(sshd, ssh_agent)
    sshd.write_client_config(key_file=False)
    assert _logs_in(sshd) == "ssh authentication failed"
    sshd.write_client_config(key_file=False, identity_agent=ssh_agent.socket)
    assert _logs_in(sshd) == ""  # SSH_AUTH_SOCK is unset (the sshd fixture removes it): the config named the agent
