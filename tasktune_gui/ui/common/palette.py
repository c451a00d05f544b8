"""Light and dark palettes that follow the system's colour scheme, and status colours readable on both."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# Each at least 4.5:1 against its palette's Base (WCAG AA for text); tests/ui/test_palette.py checks it.
LIGHT_STATUS = {
    "draft": "#666666", "pending": "#8a6a00", "running": "#1565c0", "aborted": "#b3400f",
    "completed": "#1e7b34", "failed": "#c62828", "published": "#5e35b1",
}
DARK_STATUS = {
    "draft": "#b0b0b0", "pending": "#e0b341", "running": "#64b5f6", "aborted": "#ff8a50",
    "completed": "#66cc7a", "failed": "#ff6b6b", "published": "#b39ddb",
}
DARK_ROLES = {
    QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
    QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Highlight: "#2f65ca", QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#6cb4ff", QPalette.ColorRole.LinkVisited: "#b39ddb",
    QPalette.ColorRole.ToolTipBase: "#2b2b2b", QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8a8a8a", QPalette.ColorRole.Mid: "#444444",
    QPalette.ColorRole.Light: "#505050", QPalette.ColorRole.Midlight: "#404040",
    QPalette.ColorRole.Dark: "#1a1a1a", QPalette.ColorRole.Shadow: "#000000",
}
DISABLED_DARK = "#7f7f7f"


def palette_is_dark(palette: QPalette | None = None) -> bool:
    base = (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Base)
    return base.lightness() < 128


def status_colour(status: str, dark: bool | None = None) -> str:
    """The status's colour for the palette in use (or the one asked for)."""
    table = DARK_STATUS if (palette_is_dark() if dark is None else dark) else LIGHT_STATUS
    return table.get(status, table["draft"])


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in DARK_ROLES.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_DARK))
    return palette


class ThemeFollower(QObject):
    """Applies the light or dark palette to the application as the system's scheme says (Qt 6.5+)."""

    changed = Signal(bool)  # dark

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.dark = False
        # The platform's own light palette, kept to return to; Fusion's when the app started dark.
        start = app.palette()
        self.light = start if not palette_is_dark(start) else app.style().standardPalette()
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(self._on_hints_color_scheme_changed)
        self._following = True
        self.apply(hints.colorScheme())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        self.dark = scheme == Qt.ColorScheme.Dark
        self.app.setPalette(dark_palette() if self.dark else self.light)
        self.changed.emit(self.dark)

    def close(self) -> None:
        """Stop following (a closed window's follower must not repaint it); closing twice is harmless."""
        if self._following:
            self._following = False
            self.app.styleHints().colorSchemeChanged.disconnect(self._on_hints_color_scheme_changed)

    def _on_hints_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        self.apply(scheme)
