"""Fixtures for the adversarial suite: a working copy with a tag and a branch, the execution tests' repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import TRAIN_SCRIPT
from tests.support.git import make_repo
from tests.support.runs import show_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return show_repo(tmp_path / "source")


@pytest.fixture
def working_copy(tmp_path: Path) -> Path:
    """A working copy with train.py (argparse: --lr float, --epochs int, --verbose), a tag v1 and a branch dev."""
    return make_repo(tmp_path / "project", {"train.py": TRAIN_SCRIPT}, tags=["v1"], branches=["dev"])
