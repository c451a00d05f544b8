"""The window starts without what it does not need yet: psycopg (SQLite users), the execution engine, the About
dialog."""

from __future__ import annotations

import subprocess
import sys

DEFERRED = ("psycopg", "tasktune_gui.execution.worker.worker", "git", "docker", "asyncssh", "pyqtgraph",
            "tasktune_gui.ui.window.about", "platform")


def test_opening_the_window_module_leaves_heavy_imports_for_later() -> None:
    # A fresh interpreter: this test process has long imported everything.
    probe = ("import sys; import tasktune_gui.app, tasktune_gui.ui.window.main_window, "
             "tasktune_gui.ui.window.identity, tasktune_gui.ui.window.startup_trace, "
             "tasktune_gui.ui.window.binding_check, tasktune_gui.core.glance, tasktune_gui.ui.overview.dashboard_page; "
             f"print(' '.join(m for m in {DEFERRED!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
