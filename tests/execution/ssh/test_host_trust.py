"""`tasktune host trust`: shows the fingerprint, trusts only the fingerprint the researcher confirms."""

from __future__ import annotations

import subprocess
import sys

from tests.support.sshd import SshServer


def _tasktune(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tasktune_gui.cli.main", *argv], capture_output=True, text=True,
                          timeout=60, check=False)


def test_trust_needs_the_confirmed_fingerprint(sshd: SshServer) -> None:
    sshd.known_hosts.write_text("")
    config = ("--ssh-config", str(sshd.ssh_config))
    shown = _tasktune("host", "trust", sshd.alias, *config)
    assert shown.returncode == 1 and sshd.host_fingerprint in shown.stderr
    assert sshd.known_hosts.read_text() == ""
    wrong = _tasktune("host", "trust", sshd.alias, *config, "--fingerprint", "SHA256:not-it")
    assert wrong.returncode == 1 and "nothing was trusted" in wrong.stderr
    trusted = _tasktune("host", "trust", sshd.alias, *config, "--fingerprint", sshd.host_fingerprint)
    assert trusted.returncode == 0, trusted.stderr
    assert f"[127.0.0.1]:{sshd.port} ssh-ed25519 " in sshd.known_hosts.read_text()
    again = _tasktune("host", "trust", sshd.alias, *config)
    assert again.returncode == 0 and "already trusted" in again.stdout
