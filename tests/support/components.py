"""Components a test needs (PostgreSQL, sshd, Docker...): skipped where missing, a failure in CI."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_component(name: str, available: bool, why: str) -> None:
    """Skip when a component is missing here, but fail in CI, where .ci/run must provide it."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{name} is required in CI but is missing: {why}")
    pytest.skip(f"{name} not available: {why}")
