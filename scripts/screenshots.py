"""Opens the window on a fresh demo database and saves a PNG of each page (for the README).

Run through `scripts/screenshots` (under Xvfb when there is no display)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasktune_gui.app import make_window  # noqa: E402
from tasktune_gui.core.tasks import TaskQuery  # noqa: E402
from tasktune_gui.ui.about import identify  # noqa: E402


def settle(app: QApplication) -> None:
    for _ in range(20):
        app.processEvents()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="tasktune-shots-"))
    os.environ["XDG_DATA_HOME"] = str(folder / "data")  # the demo repository goes here, not into the user's data
    app = QApplication.instance() or QApplication(sys.argv)
    identify()
    window = make_window(f"sqlite:///{folder / 'tasktune.db'}")
    window.resize(1280, 800)
    window.show()
    settle(app)
    shots: list[Path] = []

    def shoot(name: str) -> None:
        settle(app)
        path = out / f"{name}.png"
        window.grab().save(str(path))
        shots.append(path)

    for row in range(window.navigation.count()):
        window.navigation.setCurrentRow(row)
        shoot(window.navigation.item(row).text().lower().replace(" & ", "-").replace(" ", "-"))
    window.open_project("Demo")
    shoot("task-table")
    completed = next(t for t in window.core.tasks.query(TaskQuery(project="Demo")) if t.status == "completed")
    window.open_task(completed.id)
    for index in range(window.task_page.tabs.count()):
        window.task_page.tabs.setCurrentIndex(index)
        shoot(f"task-{window.task_page.tabs.tabText(index).lower()}")
    about = window.show_about()
    settle(app)
    about.grab().save(str(out / "about.png"))
    shots.append(out / "about.png")
    about.close()
    window.close()
    window.core.close()
    print("\n".join(str(p) for p in shots))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
