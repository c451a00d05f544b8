"""The tray worker in a real tray host (Xvfb + trayer): the idle icon shows and a screenshot is taken."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from tests.support.components import require_component

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshot_tray.py"


def test_tray_icon_shows_in_trayer_under_xvfb(tmp_path: Path, sqlite_url: str) -> None:
    for program, package in (("Xvfb", "xvfb"), ("trayer", "trayer")):
        require_component(program, shutil.which(program) is not None, f"apt-get install {package}")
    out = tmp_path / "tray.png"
    done = subprocess.run([sys.executable, str(SCRIPT), str(out), "--db", sqlite_url], capture_output=True,
                          text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull() and image.width() > 0
