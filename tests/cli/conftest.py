"""Fixtures for the CLI tests: a real git working copy (the runner `tt` is in tests/support/cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import TRAIN_SCRIPT
from tests.support.git import make_repo, write_files


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A working copy with one commit and an uncommitted change."""
    root = make_repo(tmp_path / "project", {"train.py": TRAIN_SCRIPT})
    write_files(root, {"notes.txt": "an untracked file\n"})
    return root
