"""Fixtures for the execution tests: a real git repository with small scripts, a worker over a real database
(their helpers are in tests/support/runs.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.runs import running_worker, show_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with scripts/show.py (reports its inputs) and helper.py at the root, on branch main."""
    return show_repo(tmp_path / "source")


@pytest.fixture
def worker(sqlite_core: Core, worker_config: WorkerConfig) -> Iterator[Worker]:
    with running_worker(sqlite_core, worker_config) as started:
        yield started
