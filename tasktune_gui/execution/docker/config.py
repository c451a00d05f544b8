"""A worker's Docker mode settings, apart from the docker SDK so that plain workers never import it."""

from __future__ import annotations

from dataclasses import dataclass

from tasktune_gui.execution.cache.environments import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class DockerConfig:
    """Docker mode: the default image, the worker's own (trusted) docker run options, what tasks may ask for."""

    default_image: str = ""
    args: str = ""
    allow: frozenset[str] = frozenset()  # names from container_args.ALLOWABLE
    keep_containers: bool = False  # debugging: stopped containers stay for `docker inspect` / `docker logs`
    env_max_bytes: int = DEFAULT_MAX_BYTES
    host_uv: bool = True  # mount the host's uv to make environments; else the image's venv and pip
