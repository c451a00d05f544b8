"""Aliases resolved from an OpenSSH client config: HostName, Port, User, IdentityFile, ProxyJump."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.ssh.config import connect, resolve
from tests.support.sshd import SshServer


def test_alias_fields_and_proxy_jump_are_honoured(sshd: SshServer) -> None:
    with sshd.ssh_config.open("a") as config:
        config.write(f"Host jumped\n  HostName 127.0.0.1\n  Port {sshd.port}\n  User {sshd.user}\n"
                     f"  IdentityFile {sshd.client_key}\n  IdentitiesOnly yes\n"
                     f"  UserKnownHostsFile {sshd.known_hosts}\n  ProxyJump {sshd.alias}\n")
    options = SshOptions(config_files=[sshd.ssh_config])
    target = resolve("jumped", options)
    assert (target.hostname, target.port, target.user, target.proxy_jump) == ("127.0.0.1", sshd.port, sshd.user,
                                                                              sshd.alias)
    assert target.identity_files == [str(sshd.client_key)] and target.known_hosts == [sshd.known_hosts]

    async def through_the_jump() -> tuple[str, int]:
        connection = await connect(target, options)
        try:
            result = await connection.run("echo reached", check=True)
            return str(result.stdout).strip(), len(sshd.sessions())
        finally:
            connection.close()

    # Two sessions on the server: the jump host's, and the one tunnelled through it.
    assert asyncio.run(through_the_jump()) == ("reached", 2)


def test_a_broken_config_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "ssh_config"
    config.write_text("Host box\n  Port not-a-number\n")
    with pytest.raises(StepFailed) as refused:
        resolve("box", SshOptions(config_files=[config]))
    assert refused.value.reason == "cannot read the SSH config for box" and str(config) in refused.value.detail
