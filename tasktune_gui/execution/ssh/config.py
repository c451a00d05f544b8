"""SSH hosts by their ~/.ssh/config alias: connecting with asyncssh, host keys checked against known_hosts."""

from __future__ import annotations

import asyncio
import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import asyncssh

from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.errors import StepFailed

CONNECT_TIMEOUT_S = 15
KEEPALIVE_S = 5


@dataclass(frozen=True)
class SshTarget:
    """What the config says of an alias (HostName, User, Port, IdentityFile, ProxyJump)."""

    alias: str
    hostname: str
    port: int
    user: str
    identity_files: list[str]
    proxy_jump: str
    known_hosts: list[Path]

    @property
    def known_hosts_name(self) -> str:
        """The host as known_hosts names it: `[host]:port` off the default port."""
        return self.hostname if self.port == 22 else f"[{self.hostname}]:{self.port}"


def _config_paths(options: SshOptions) -> list[str]:
    return [str(path) for path in options.config_files if path.is_file()]


def resolve(alias: str, options: SshOptions) -> SshTarget:
    try:
        config = asyncssh.config.SSHClientConfig.load(
            None, _config_paths(options), False, False, False, getpass.getuser(), (), alias, ()
        )
    except (asyncssh.Error, ValueError, OSError) as exc:
        read = ", ".join(_config_paths(options)) or "no file"
        raise StepFailed(f"cannot read the SSH config for {alias}", f"{read}: {exc}") from exc
    files = options.known_hosts
    if files is None:
        # "UserKnownHostsFile none" would mean "trust any key"; TaskTune never does, so that falls back too.
        named = cast(list[str], config.get("UserKnownHostsFile", []) or [])
        listed = [Path(p).expanduser() for p in named if p.lower() != "none"]
        files = listed or [Path("~/.ssh/known_hosts").expanduser()]
    return SshTarget(
        alias=alias,
        hostname=str(config.get("Hostname", alias)),
        port=int(config.get("Port", 22) or 22),  # type: ignore[call-overload]
        user=str(config.get("User", getpass.getuser())),
        identity_files=[str(p) for p in cast(list[str], config.get("IdentityFile", []) or [])],
        proxy_jump=str(config.get("ProxyJump", "") or ""),
        known_hosts=files,
    )


class _KeyRecorder(asyncssh.SSHClient):
    """Remembers a host key that known_hosts does not list, to name its fingerprint in the refusal."""

    def __init__(self) -> None:
        self.offered: asyncssh.SSHKey | None = None

    def validate_host_public_key(self, host: str, addr: str, port: int, key: asyncssh.SSHKey) -> bool:
        self.offered = key
        return False


def _known_hosts_text(target: SshTarget) -> bytes:
    return b"".join(path.read_bytes() + b"\n" for path in target.known_hosts if path.is_file())


def listed_keys(target: SshTarget, known: bytes | None = None) -> list[Any]:
    """The keys known_hosts lists for the host (none: it is unknown)."""
    text = _known_hosts_text(target) if known is None else known
    keys = asyncssh.match_known_hosts(text, target.hostname, "", target.port if target.port != 22 else None)[0]
    return list(keys)


async def connect(target: SshTarget, options: SshOptions) -> asyncssh.SSHClientConnection:
    """An authenticated connection, or StepFailed with a reason a researcher can act on."""
    known = _known_hosts_text(target)
    recorder = _KeyRecorder()
    try:
        connection, _client = await asyncssh.create_connection(
            lambda: recorder, target.alias, config=_config_paths(options),
            known_hosts=known, password=None, kbdint_auth=False, passphrase=None,
            connect_timeout=CONNECT_TIMEOUT_S, keepalive_interval=KEEPALIVE_S, keepalive_count_max=3,
        )
    except asyncssh.HostKeyNotVerifiable as exc:
        raise _host_key_refusal(target, known, recorder.offered) from exc
    except asyncssh.PermissionDenied as exc:
        keys = ", ".join(target.identity_files) or "the default keys and ssh-agent"
        raise StepFailed("ssh authentication failed",
                         f"{target.user}@{target.hostname}:{target.port} refused the keys tried ({keys})") from exc
    except (OSError, asyncssh.Error, TimeoutError) as exc:
        raise StepFailed(f"host unreachable: {target.alias}",
                         f"{target.hostname}:{target.port}: {exc or type(exc).__name__}") from exc
    return connection


def _host_key_refusal(target: SshTarget, known: bytes, offered: asyncssh.SSHKey | None) -> StepFailed:
    fingerprint = offered.get_fingerprint() if offered is not None else "(not received)"
    files = ", ".join(str(p) for p in target.known_hosts)
    if listed_keys(target, known):
        return StepFailed(
            f"host key changed: {target.alias}",
            f"{target.known_hosts_name} now offers {fingerprint}, not the key in {files}; if the host was "
            f"reinstalled, remove the old line (ssh-keygen -R '{target.known_hosts_name}') and run "
            f"`tasktune host trust {target.alias}`",
        )
    return StepFailed(
        f"unknown host key: {target.alias}",
        f"{target.known_hosts_name} offers {fingerprint}, which {files} does not list; check it with the "
        f"host's administrator, then run `tasktune host trust {target.alias} --fingerprint {fingerprint}`",
    )


async def offered_key(target: SshTarget, options: SshOptions) -> asyncssh.SSHKey:
    """The key the host presents now (connecting as far as the key exchange, trusting nothing)."""
    recorder = _KeyRecorder()
    try:
        connection, _client = await asyncssh.create_connection(
            lambda: recorder, target.alias, config=_config_paths(options),
            known_hosts=b"", password=None, kbdint_auth=False, passphrase=None, connect_timeout=CONNECT_TIMEOUT_S,
        )
        connection.close()
    except asyncssh.HostKeyNotVerifiable:
        pass
    except (OSError, asyncssh.Error, TimeoutError) as exc:
        raise StepFailed(f"host unreachable: {target.alias}", f"{target.hostname}:{target.port}: {exc}") from exc
    if recorder.offered is None:
        raise StepFailed(f"no host key received from {target.alias}")
    return recorder.offered


@dataclass(frozen=True)
class HostKeyCheck:
    """The key a host offers now, against known_hosts: "trusted", "unknown" or "changed"."""

    target: SshTarget
    key: asyncssh.SSHKey
    state: str

    @property
    def fingerprint(self) -> str:
        return str(self.key.get_fingerprint())


def check_host_key(alias: str, options: SshOptions) -> HostKeyCheck:
    """Connect as far as the key exchange (blocking, off the GUI thread) and compare with known_hosts."""
    target = resolve(alias, options)
    key = asyncio.run(offered_key(target, options))
    listed = listed_keys(target)
    return HostKeyCheck(target, key, "trusted" if key in listed else "changed" if listed else "unknown")


def trust(target: SshTarget, key: asyncssh.SSHKey) -> Path:
    """Add the key to the first known_hosts file, as `ssh` would after a person said yes."""
    path = target.known_hosts[0]
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = f"{target.known_hosts_name} {key.export_public_key('openssh').decode().strip()}\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
    os.chmod(path, 0o600)
    return path
