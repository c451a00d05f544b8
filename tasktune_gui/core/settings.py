"""The app's settings: one typed schema with defaults, kept as JSON in the user config folder; where the database is."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from tasktune_gui.core.errors import InvalidValue


def default_db_url() -> str:
    """$TASKTUNE_DB, else a SQLite file in the user data folder."""
    env = os.environ.get("TASKTUNE_DB")
    if env is not None and not env.strip():  # an empty value is a mistake, not a wish for the default database
        raise InvalidValue("$TASKTUNE_DB is set but empty: unset it to use the default database, or give a URL")
    if env:
        return env
    folder = Path(platformdirs.user_data_dir("tasktune", appauthor=False))
    return f"sqlite:///{folder / 'tasktune.db'}"


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir("tasktune", appauthor=False)) / "settings.json"


@dataclass(frozen=True)
class S3Endpoint:
    """How to reach one S3-compatible server (MinIO, Ceph...) named as `s3://host:port/bucket`; never credentials."""

    secure: bool = False  # https; plain http is what `s3://host:port` has always meant
    ca_file: str = ""  # a CA bundle to verify its certificate with, else the system's
    path_style: bool = True  # `host:port/bucket/key` (MinIO's default) rather than `bucket.host:port/key`
    region: str = ""

    @classmethod
    def from_json(cls, saved: Any) -> S3Endpoint:
        """The saved values over the defaults; anything unknown or of the wrong type is ignored."""
        if not isinstance(saved, dict):
            return cls()
        defaults = cls()
        return cls(**{f.name: saved[f.name] for f in fields(cls)
                      if f.name in saved and isinstance(saved[f.name], type(getattr(defaults, f.name)))})


@dataclass
class Settings:
    embedded_worker: bool = True  # the window runs tasks from its queues itself
    embedded_worker_slots: int = 1
    embedded_worker_queues: list[str] = field(default_factory=lambda: ["default"])
    embedded_worker_docker: bool = False  # the window's worker runs each task in a container (Docker mode)
    embedded_worker_docker_image: str = ""  # for tasks that name no image
    embedded_worker_docker_args: str = ""  # docker run options for every container, e.g. "--shm-size 8g"
    s3_endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)  # "host:port" -> S3Endpoint's fields

    def s3_endpoint(self, netloc: str) -> S3Endpoint:
        return S3Endpoint.from_json(self.s3_endpoints.get(netloc.lower()))

    def set_s3_endpoint(self, netloc: str, endpoint: S3Endpoint) -> None:
        self.s3_endpoints[netloc.lower()] = asdict(endpoint)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The saved settings; defaults for anything missing, unknown or unreadable."""
        try:
            saved = json.loads((path or settings_path()).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        defaults = cls()
        values = {k: v for k, v in saved.items() if k in known and isinstance(v, type(getattr(defaults, k)))}
        return cls(**values)

    def save(self, path: Path | None = None) -> None:
        target = path or settings_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        temporary.replace(target)  # never a half-written settings file
