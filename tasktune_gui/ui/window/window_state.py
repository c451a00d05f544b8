"""What the window remembers across runs: geometry, splitter, and the task table's columns (QSettings file)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from tasktune_gui.core.errors import TaskTuneError

if TYPE_CHECKING:  # the core's tables: not loaded before the window's frame is shown
    from tasktune_gui.core.overview import ExtraColumn

# The keys, in one place: nothing else in the window reads or writes QSettings.
NAVIGATION_WIDTH = 180
GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
SPLITTER = "window/splitter"
TABLE_HEADER = "taskTable/header"
TABLE_EXTRA = "taskTable/extraColumns"


def window_state_path() -> Path:
    return Path(platformdirs.user_config_dir("tasktune", appauthor=False)) / "window.ini"


class WindowState:
    """A QSettings INI file at `path` (the user config folder by default; tests pass a temporary one)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or window_state_path()
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def save(self, window: QMainWindow, splitter: QSplitter, header: QHeaderView | None = None,
             extra: list[ExtraColumn] | None = None) -> None:
        """The window's layout, and the table's when it was built (closed while opening, it was not)."""
        self._settings.setValue(GEOMETRY, window.saveGeometry())
        self._settings.setValue(WINDOW_STATE, window.saveState())
        self._settings.setValue(SPLITTER, splitter.saveState())
        if header is not None:
            self._settings.setValue(TABLE_EXTRA, [c.key for c in extra or []])
            self._settings.setValue(TABLE_HEADER, header.saveState())
        self._settings.sync()

    def extra_columns(self) -> list[ExtraColumn]:
        """The columns the user added last time; unreadable entries are dropped, not fatal."""
        from tasktune_gui.core.overview import ExtraColumn

        saved = self._settings.value(TABLE_EXTRA, [])
        keys = [saved] if isinstance(saved, str) else list(saved) if isinstance(saved, list | tuple) else []
        columns = []
        for key in keys:
            try:
                columns.append(ExtraColumn.from_key(str(key)))
            except TaskTuneError:
                continue
        return columns

    def restore_window(self, window: QMainWindow, splitter: QSplitter) -> None:
        # A first start: the navigation as wide as its page names, the rest for the page.
        splitter.setSizes([NAVIGATION_WIDTH, max(0, window.width() - NAVIGATION_WIDTH)])
        for key, restore in ((GEOMETRY, window.restoreGeometry), (WINDOW_STATE, window.restoreState),
                             (SPLITTER, splitter.restoreState)):
            value = self._settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def restore_header(self, header: QHeaderView) -> bool:
        """Column order, widths and hidden columns; call once the model has its extra columns."""
        value = self._settings.value(TABLE_HEADER)
        return isinstance(value, QByteArray) and header.restoreState(value)
