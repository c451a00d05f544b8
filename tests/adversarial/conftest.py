"""Fixtures for the adversarial suite: the CLI runner and the execution tests' repository and worker settings."""

from __future__ import annotations

from tests.cli.conftest import tt
from tests.execution.conftest import repo, worker_config

__all__ = ["repo", "tt", "worker_config"]
