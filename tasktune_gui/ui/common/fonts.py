"""A fixed-pitch font that stays fixed where no desktop theme names one (Xvfb, bare window managers)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo


def fixed_font() -> QFont:
    """The system's fixed font, asked for as a monospace family with a typewriter hint, so the font matcher
    never falls back to a proportional one; failing that, the first fixed-pitch family installed. The console's
    character selection assumes every character has the same width."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    if not QFontInfo(font).fixedPitch():
        font.setFamilies(["monospace"])
    if not QFontInfo(font).fixedPitch():
        installed = [family for family in QFontDatabase.families() if QFontDatabase.isFixedPitch(family)]
        if installed:
            font.setFamilies(installed[:1])
    return font
