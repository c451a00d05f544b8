"""A throwaway OpenSSH server on a loopback port, with its own host key, authorized_keys and a client config."""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from tests.support.components import require_component

SSHD = Path("/usr/sbin/sshd")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True)
    return path


def fingerprint(public_key: Path) -> str:
    """SHA256:... as `ssh-keygen -l` prints it."""
    return subprocess.run(["ssh-keygen", "-l", "-f", str(public_key)], check=True, capture_output=True,
                          text=True).stdout.split()[1]


class SshServer:
    """`/usr/sbin/sshd -D` on 127.0.0.1:<free port> (or an address in a network namespace); `ssh_config` names
    it `alias` for the client."""

    def __init__(self, folder: Path, alias: str = "labhost", session_env: dict[str, str] | None = None,
                 address: str = "127.0.0.1", port: int | None = None, netns: str = "") -> None:
        self.folder = folder
        self.alias = alias
        self.session_env = session_env or {}  # set by sshd in every session, over its defaults (PATH, HOME)
        self.address = address
        self.netns = netns  # a network namespace to start it in (`ip netns exec`), as a second machine
        self.port = port or _free_port()
        self.user = getpass.getuser()
        folder.mkdir(parents=True, exist_ok=True)
        self.host_key = keygen(folder / "host_ed25519")
        self.client_key = keygen(folder / "client_ed25519")
        self.authorized_keys = folder / "authorized_keys"
        self.authorized_keys.write_text(Path(f"{self.client_key}.pub").read_text())
        self.authorized_keys.chmod(0o600)
        self.known_hosts = folder / "known_hosts"
        self.ssh_config = folder / "ssh_config"
        self.write_client_config()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def host_fingerprint(self) -> str:
        return fingerprint(Path(f"{self.host_key}.pub"))

    def write_client_config(self, port: int | None = None, identity: Path | None = None,
                            key_file: bool = True, identity_agent: Path | None = None) -> None:
        """The alias; without `key_file`, no IdentityFile: keys come from an ssh-agent (or `identity_agent`)."""
        keys = f"  IdentityFile {identity or self.client_key}\n  IdentitiesOnly yes\n" if key_file else ""
        agent = f"  IdentityAgent {identity_agent}\n" if identity_agent else ""
        self.ssh_config.write_text(
            f"Host {self.alias}\n"
            f"  HostName {self.address}\n  Port {port or self.port}\n  User {self.user}\n{keys}{agent}"
            f"  UserKnownHostsFile {self.known_hosts}\n"
        )

    @property
    def known_hosts_line(self) -> str:
        name = self.address if self.port == 22 else f"[{self.address}]:{self.port}"
        return f"{name} {' '.join(Path(f'{self.host_key}.pub').read_text().split()[:2])}\n"

    def trust_host_key(self) -> None:
        self.known_hosts.write_text(self.known_hosts_line)

    def start(self) -> None:
        config = self.folder / "sshd_config"
        config.write_text(
            f"Port {self.port}\nListenAddress {self.address}\nHostKey {self.host_key}\n"
            f"PidFile {self.folder / 'sshd.pid'}\nAuthorizedKeysFile {self.authorized_keys}\n"
            "StrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            "PubkeyAuthentication yes\nPermitRootLogin prohibit-password\nUsePAM no\n"
            "AllowTcpForwarding yes\nSubsystem sftp internal-sftp\nLogLevel INFO\nMaxStartups 100\n"
            # One line: sshd takes the first SetEnv it reads and ignores the others.
            + (f"SetEnv {' '.join(f'{name}={value}' for name, value in self.session_env.items())}\n"
               if self.session_env else "")
        )
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # its privilege separation folder
        # `ip netns exec` enters the namespace and execs sshd: the process is sshd itself.
        inside = ["ip", "netns", "exec", self.netns] if self.netns else []
        self.process = subprocess.Popen([*inside, str(SSHD), "-D", "-e", "-f", str(config)],
                                        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Its log goes to sshd.log through a thread, which also says when the server listens (or has ended).
        ready = threading.Event()
        self._log_thread = threading.Thread(target=self._copy_log, args=(ready,), name="sshd-log", daemon=True)
        self._log_thread.start()
        if not ready.wait(15) or self.process.poll() is not None:
            raise RuntimeError(f"sshd did not start: {(self.folder / 'sshd.log').read_text()}")

    def _copy_log(self, ready: threading.Event) -> None:
        assert self.process is not None and self.process.stderr is not None
        with self.process.stderr, open(self.folder / "sshd.log", "ab") as log:
            for line in self.process.stderr:
                log.write(line)
                log.flush()
                if b"Server listening" in line:
                    ready.set()
        ready.set()  # the server ended: start() sees it has

    def sessions(self) -> list[psutil.Process]:
        """The per-connection sshd processes (children of the listening one)."""
        assert self.process is not None
        try:
            return list(psutil.Process(self.process.pid).children())
        except psutil.Error:
            return []

    def cut_connections(self) -> int:
        """Kill every session's sshd: the TCP connections drop as a network failure would drop them."""
        sessions = self.sessions()
        for process in sessions:
            try:
                process.send_signal(signal.SIGKILL)
            except psutil.Error:
                continue
        psutil.wait_procs(sessions, timeout=5)
        return len(sessions)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.cut_connections()
            self.process.terminate()
            self.process.wait(10)
        if self.process is not None:
            self._log_thread.join(10)  # it closes the pipe at its end


@contextmanager
def running_sshd(folder: Path, monkeypatch: pytest.MonkeyPatch, *, trusted: bool = True,
                 session_env: dict[str, str] | None = None) -> Iterator[SshServer]:
    """A started server (whose host key the client already trusts unless `trusted` is False), stopped at the end;
    the researcher's own ssh-agent is not used."""
    require_component("OpenSSH server", SSHD.exists(), "install openssh-server (/usr/sbin/sshd)")
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    server = SshServer(folder, session_env=session_env)
    if trusted:
        server.trust_host_key()
    server.start()
    try:
        yield server
    finally:
        server.stop()
