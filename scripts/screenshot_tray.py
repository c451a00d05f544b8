"""Screenshot of `tasktune tray` in a real tray host: Xvfb + trayer, the tray worker, a grab of the screen.

usage: .venv/bin/python scripts/screenshot_tray.py OUT.png [--db URL]
Exits 0 once the idle icon's colour is seen in the tray and the PNG is written; 1 otherwise.
Needs Xvfb and trayer (Debian: apt-get install xvfb trayer).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for its test support
from tests.support.xvfb import start_xvfb  # noqa: E402

IDLE_COLOUR = (0x85, 0x99, 0x00)  # tasktune_gui.ui.worker.tray.STATE_COLOURS["idle"]
GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
image = app.primaryScreen().grabWindow(0).toImage()
want = tuple(int(v) for v in sys.argv[2].split(","))
found = any(image.pixelColor(x, y).getRgb()[:3] == want for y in range(0, 40) for x in range(image.width()))
image.save(sys.argv[1])
print("found" if found else "missing")
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", default=None)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    for program in ("Xvfb", "trayer"):
        if shutil.which(program) is None:
            print(f"screenshot_tray: {program} is not installed", file=sys.stderr)
            return 1
    folder = Path(tempfile.mkdtemp(prefix="tasktune-tray-"))
    db = args.db or f"sqlite:///{folder / 'tasktune.db'}"
    xvfb, display = start_xvfb("480x160x24")
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # the XEmbed tray (trayer), not a StatusNotifier host
    started: list[subprocess.Popen[bytes]] = [xvfb]
    try:
        started.append(subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "left", "--widthtype", "pixel", "--width", "160",
             "--heighttype", "pixel", "--height", "32", "--transparent", "false", "--tint", "0xffffff"],
            env=env, stderr=subprocess.DEVNULL))
        tray = subprocess.Popen([sys.executable, "-m", "tasktune_gui.cli.main", "--db", db, "tray", "--queue",
                                 "default", "--cache-dir", str(folder / "cache")], env=env, stderr=subprocess.PIPE)
        started.append(tray)  # type: ignore[arg-type]
        assert tray.stderr is not None
        said = tray.stderr.readline().decode()
        if "system tray" not in said or "no system tray" in said:
            print(f"screenshot_tray: the tray worker did not get a tray: {said.strip()}", file=sys.stderr)
            return 1
        deadline = time.monotonic() + args.timeout
        want = ",".join(str(v) for v in IDLE_COLOUR)
        while time.monotonic() < deadline:
            grab = subprocess.run([sys.executable, "-c", GRAB, str(args.out), want], env=env,
                                  capture_output=True, text=True, check=False)
            if grab.stdout.strip() == "found":
                print(args.out)
                return 0
            time.sleep(0.2)  # the tray host paints the icon a moment after it embeds it
        print("screenshot_tray: the idle icon never showed in the tray", file=sys.stderr)
        return 1
    finally:
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
