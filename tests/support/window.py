"""The real main window over a fresh SQLite database, offscreen: the `window` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytestqt.qtbot import QtBot

if TYPE_CHECKING:
    from tasktune_gui.ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, migrated_sqlite_url: str, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """Shown; closed at the end with its database (the leak check then finds none of its threads or timers)."""
    from tasktune_gui.app import make_window  # only Qt tests pay for importing the whole window

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the demo repository is made
    # The layout file goes to the test's folder, never the real (or a shared) config folder.
    built = make_window(migrated_sqlite_url, state_path=tmp_path / "window.ini")
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()
    built.core.close()
