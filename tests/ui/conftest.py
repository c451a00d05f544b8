"""Fixtures for window tests (the `window` fixture itself is in tests/support/window.py, for every folder)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from tests.support.object_stores import StoreServer, destination, new_bucket

PATIENT_MS = 30_000  # CI's two cores under load deschedule a process for seconds; a condition that holds comes sooner
_wait_until = QtBot.waitUntil


def _patient_wait_until(self: QtBot, callback: Callable[[], bool | None], *, timeout: int = PATIENT_MS) -> None:
    _wait_until(self, callback, timeout=timeout)


QtBot.waitUntil = _patient_wait_until  # type: ignore[method-assign]  # pytest-qt's default is 5 s


@pytest.fixture
def s3_bucket(store_env: dict[str, StoreServer]) -> str:
    """An output URI in a new bucket on the tests' S3 server."""
    return destination(store_env["s3"], new_bucket(store_env["s3"]))
