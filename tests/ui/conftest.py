"""Fixtures for window tests (the `window` fixture itself is in tests/support/window.py, for every folder)."""

from __future__ import annotations

import pytest

from tests.support.object_stores import StoreServer, destination, new_bucket


@pytest.fixture
def s3_bucket(store_env: dict[str, StoreServer]) -> str:
    """An output URI in a new bucket on the tests' S3 server."""
    return destination(store_env["s3"], new_bucket(store_env["s3"]))
