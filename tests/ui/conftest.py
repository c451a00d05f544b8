"""Fixtures for window tests: a seeded database and the real main window, offscreen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from tasktune_gui.app import make_window
from tasktune_gui.ui.window.main_window import MainWindow
from tests.support.object_stores import StoreServer, destination, new_bucket


@pytest.fixture
def window(qtbot: QtBot, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the demo repository is made
    threads_before = set(threading.enumerate())
    # The layout file goes to the test's folder, never the real (or a shared) config folder.
    built: MainWindow = make_window(sqlite_url, state_path=tmp_path / "window.ini")
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()
    built.core.close()
    # Nothing left running once the window is closed: no thread it started, no active timer.
    qtbot.waitUntil(lambda: set(threading.enumerate()) <= threads_before, timeout=10_000)
    assert [t.objectName() for t in built.findChildren(QTimer) if t.isActive()] == []


@pytest.fixture
def s3_bucket(store_env: dict[str, StoreServer]) -> str:
    """An output URI in a new bucket on the tests' S3 server. Ask for it before `window`: the bucket is made first,
    so fsspec's I/O thread (it lives as long as the process) is there before the window counts threads."""
    return destination(store_env["s3"], new_bucket(store_env["s3"]))
