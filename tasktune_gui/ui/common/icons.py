"""Icons drawn as SVG, shipped in TaskTune's package data: vector, so they stay crisp at any screen scale."""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtGui import QIcon

from tasktune_gui.core.about import ICON_NAME
from tasktune_gui.core.assets import AssetMissing, asset_path

log = logging.getLogger(__name__)


@cache
def icon(name: str) -> QIcon:
    """The named icon, or an empty one (and a warning) when there is none: a missing icon never stops the window."""
    try:
        path = asset_path("icons", f"{name}.svg")
    except AssetMissing as exc:
        log.warning("TaskTune's icon %r is missing: %s", name, exc)
        return QIcon()
    if not path.is_file():
        log.warning("TaskTune's icon %r is missing: no %s", name, path)
        return QIcon()
    return QIcon(str(path))


def app_icon_path() -> str:
    """The app icon's file, for programs that take a path (notify-send)."""
    return str(asset_path("icons", f"{ICON_NAME}.svg"))


def app_icon() -> QIcon:
    """TaskTune's own icon: its windows, the taskbar and its notifications show it."""
    return icon(ICON_NAME)
