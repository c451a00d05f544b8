"""The tests' Docker engine and their small local image (Debian minbase with python3), built once and cached by tag."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import docker
from docker.errors import DockerException, ImageNotFound

TEST_IMAGE = "tasktune-test-python:1"
# Where .ci/docker-up puts the engine's socket when DOCKER_HOST is not set.
TASKTUNE_DOCKER_HOST = "unix:///run/tasktune-docker/docker.sock"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def use_tasktune_engine() -> None:
    """Point DOCKER_HOST at the engine .ci/docker-up starts, unless the caller chose one."""
    if not os.environ.get("DOCKER_HOST") and Path(TASKTUNE_DOCKER_HOST[len("unix://"):]).exists():
        os.environ["DOCKER_HOST"] = TASKTUNE_DOCKER_HOST


def engine() -> tuple[docker.DockerClient | None, str]:
    """A client of a reachable engine, or None and why not."""
    use_tasktune_engine()
    socket = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock").removeprefix("unix://")
    if "://" not in socket and not Path(socket).exists():
        # docker-py leaves the socket of a failed connection open: its ResourceWarning would fail the run.
        return None, f"no Docker engine answers (no socket {socket}); start one with .ci/docker-up"
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except DockerException as exc:
        return None, f"no Docker engine answers ({exc}); start one with .ci/docker-up"
    return client, ""


def debian_mirror() -> str:
    """The Debian mirror apt uses here (the only one reachable), else the public default."""
    if os.environ.get("TASKTUNE_DEBIAN_MIRROR"):
        return os.environ["TASKTUNE_DEBIAN_MIRROR"]
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in re.finditer(r"(?:URIs:|^deb)\s+(\S+/debian)/?\s", text, re.MULTILINE):
            return match.group(1)
    return DEFAULT_MIRROR


def ensure_test_image(client: docker.DockerClient, tag: str = TEST_IMAGE) -> str:
    """The image's tag, built with debootstrap + import when this engine does not have it yet (~1 minute)."""
    try:
        client.images.get(tag)
        return tag
    except ImageNotFound:
        pass
    if shutil.which("debootstrap") is None:
        raise RuntimeError("debootstrap is needed to build the test image: apt-get install debootstrap")
    folder = Path(tempfile.mkdtemp(prefix="tasktune-rootfs-"))
    try:
        root = folder / "root"
        subprocess.run(["debootstrap", "--variant=minbase", "--include=python3,python3-venv", "bookworm",
                        str(root), debian_mirror()], check=True, capture_output=True, timeout=1800)
        tarball = folder / "root.tar"
        subprocess.run(["tar", "-C", str(root), "-cf", str(tarball), "."], check=True, timeout=600)
        repository, _, version = tag.partition(":")
        client.api.import_image_from_file(str(tarball), repository=repository, tag=version or "latest",
                                          changes=[f"ENV PATH={IMAGE_PATH}"])
        client.images.get(tag)
        return tag
    finally:
        shutil.rmtree(folder, ignore_errors=True)
