"""A throwaway OpenSSH ssh-agent on a socket of its own, holding the keys a test adds."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path


class SshAgent:
    """`ssh-agent -a SOCKET`: it returns once the socket listens, so nothing has to poll for it."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.socket = folder / "agent.sock"
        printed = subprocess.run(["ssh-agent", "-s", "-a", str(self.socket)], check=True, capture_output=True,
                                 text=True, stdin=subprocess.DEVNULL).stdout
        found = re.search(r"SSH_AGENT_PID=(\d+)", printed)
        if found is None:
            raise RuntimeError(f"ssh-agent did not say its pid: {printed!r}")
        self.pid = int(found.group(1))

    def add(self, key: Path) -> None:
        env = {**os.environ, "SSH_AUTH_SOCK": str(self.socket)}
        subprocess.run(["ssh-add", "-q", str(key)], check=True, env=env, capture_output=True,
                       stdin=subprocess.DEVNULL)

    def listed(self) -> str:
        env = {**os.environ, "SSH_AUTH_SOCK": str(self.socket)}
        return subprocess.run(["ssh-add", "-l"], env=env, capture_output=True, text=True, check=False).stdout

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
