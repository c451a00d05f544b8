"""Fixtures for the adversarial suite: the CLI runner and working copy, the execution tests' repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import TRAIN_SCRIPT, git, tt
from tests.execution.conftest import repo, worker_config
from tests.ui.conftest import window

__all__ = ["repo", "tt", "window", "worker_config"]


@pytest.fixture
def working_copy(tmp_path: Path) -> Path:
    """A working copy with train.py (argparse: --lr float, --epochs int, --verbose), a tag v1 and a branch dev."""
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "train.py").write_text(TRAIN_SCRIPT)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    git(root, "tag", "v1")
    git(root, "branch", "dev")
    return root
