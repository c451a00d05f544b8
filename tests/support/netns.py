"""A second machine on the network: a network namespace joined to this one by a veth pair (needs root)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import uuid

SUBNET = "10.213"  # private addresses no test network here is expected to use


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL)


def _used_blocks() -> set[int]:
    """Third octets of 10.213.x.y addresses this machine already has (another test's namespace, for one)."""
    shown = subprocess.run(["ip", "-4", "-o", "addr", "show"], check=True, capture_output=True, text=True).stdout
    return {int(word.split(".")[2]) for word in shown.split() if word.startswith(SUBNET + ".")}


def namespaces_possible() -> bool:
    return os.geteuid() == 0 and shutil.which("ip") is not None


class NetworkNamespace:
    """`NAME` holds one end of a veth pair (`address`, x.x.x.2/30); this machine has the other (x.x.x.1/30)."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:8]
        self.name = f"tasktune-{tag}"
        self.outside = f"tt{tag}o"  # interface names stay under Linux's 15 characters
        self.inside = f"tt{tag}i"
        free = sorted(set(range(256)) - _used_blocks())
        block = random.choice(free)
        self.gateway = f"{SUBNET}.{block}.1"
        self.address = f"{SUBNET}.{block}.2"

    def create(self) -> None:
        """Made step by step; `remove` undoes whatever part was made, so call it even when this raised."""
        _ip("netns", "add", self.name)
        _ip("link", "add", self.outside, "type", "veth", "peer", "name", self.inside)
        _ip("link", "set", self.inside, "netns", self.name)
        _ip("addr", "add", f"{self.gateway}/30", "dev", self.outside)
        _ip("link", "set", self.outside, "up")
        _ip("-n", self.name, "addr", "add", f"{self.address}/30", "dev", self.inside)
        _ip("-n", self.name, "link", "set", self.inside, "up")
        _ip("-n", self.name, "link", "set", "lo", "up")

    def remove(self) -> None:
        # Deleting the namespace deletes the veth end inside it, and with it its peer here.
        for args in (("netns", "del", self.name), ("link", "del", self.outside)):
            try:
                _ip(*args)
            except subprocess.CalledProcessError:
                continue
