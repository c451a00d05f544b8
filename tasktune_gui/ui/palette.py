"""Status colours for tables and cards (the light and dark palettes come with the theme step)."""

from __future__ import annotations

STATUS_COLOURS = {
    "draft": "#7a7a7a", "pending": "#b58900", "running": "#268bd2", "aborted": "#cb4b16",
    "completed": "#2e9e44", "failed": "#dc322f", "published": "#6c71c4",
}


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "#7a7a7a")
