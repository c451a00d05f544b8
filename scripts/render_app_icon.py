"""Renders TaskTune's app icon (resources/icons/tasktune.svg) into the PNG sizes desktops look for.

Run after changing the SVG: `.venv/bin/python scripts/render_app_icon.py`. The PNGs are committed, so neither
an installation nor `tasktune desktop install` needs to draw them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)  # the hicolor theme's usual application sizes


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "tasktune.svg"))
    if not renderer.isValid():
        print("tasktune.svg is not a valid SVG", file=sys.stderr)
        return 1
    out = ICONS / "png"
    out.mkdir(exist_ok=True)
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(out / f"tasktune-{size}.png"))
        print(out / f"tasktune-{size}.png")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
