"""The soak's window process: the real window switched between tasks and tabs by Qt timers only, inside app.exec(),
while a worker streams a console; what it holds (None's references, memory, QObjects, threads, timers, database
connections, files) is sampled as it goes, each sample printed as a JSON line when taken, then the result.

Run as `python -m tests.support.soak_window URL STREAMING_ID --tasks ID,... --switches N` (tests/support/soak.py
does, in a child process: a crash of the binding is a failed run there, not a dead pytest)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from shiboken6 import Shiboken

from tasktune_gui.app import make_window
from tasktune_gui.ui.console.console_view import IDLE_S
from tasktune_gui.ui.window import task_actions
from tasktune_gui.ui.window.main_window import PAGES, MainWindow

TABS = ("EXECUTION", "CONFIGURATION", "ARTIFACTS", "INFO", "CONSOLE", "SCALARS")
# Now and then a Clone dialog (modal) and a Compare dialog are opened and closed, another page of the window is
# shown (then the task page again), and the split view (F3) is turned on or off.
DIALOG_EVERY = 97
PAGE_EVERY = 31
SPLIT_EVERY = 211


def resources(window: MainWindow, db_path: str) -> dict[str, Any]:
    """What the process holds now; garbage collected and deferred deletions done first, so only what lives counts."""
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    fds = os.listdir("/proc/self/fd")
    engine = window.core.store.engine
    if os.environ.get("SOAK_TYPES"):  # which kinds of Qt object there are most of (finding a leak)
        from collections import Counter

        kinds = Counter(type(o).__name__ for o in Shiboken.getAllValidWrappers())
        print(kinds.most_common(25), file=sys.stderr)
        python_kinds = Counter(type(o).__name__ for o in gc.get_objects())
        print("PY", python_kinds.most_common(25), file=sys.stderr)
    return {
        "none_refs": sys.getrefcount(None),
        "rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
        # Every live QObject Python has a wrapper for (value types such as QPointF and QColor are not QObjects:
        # pyqtgraph keeps a few dozen Points for a while, which the Python object count covers).
        "qobjects": sum(isinstance(o, QObject) for o in Shiboken.getAllValidWrappers()),
        "widgets": len(QApplication.allWidgets()),
        "python_objects": len(gc.get_objects()),
        "window_children": len(window.findChildren(QObject)),
        "active_timers": sum(timer.isActive() for timer in window.findChildren(QTimer)),
        "python_threads": threading.active_count(),
        "threads": len(os.listdir("/proc/self/task")),  # Qt's own threads too
        "fds": len(fds),
        "db_fds": _db_fds(db_path),  # sqlite3 connections (and their WAL files) on the task database
        "pool_checked_out": engine.pool.checkedout(),
    }


def _db_fds(db_path: str) -> int:
    """Open descriptors on the database and its WAL files: the sqlite3 connections' own."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # closed meanwhile (the listing's own descriptor)
            count += os.readlink(f"/proc/self/fd/{fd}").startswith(db_path)
    return count


def _thread_names() -> list[str]:
    """The names of the process's threads, Qt's own included (as `top -H` shows them)."""
    names = []
    for task in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):
            names.append(Path(f"/proc/self/task/{task}/comm").read_text().strip())
    return sorted(names)


def _fd_targets() -> list[str]:
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
    return sorted(targets)


class SoakDriver(QObject):
    """Each turn of the event loop, one switch: another task or another tab, in a seeded random order."""

    def __init__(self, window: MainWindow, task_ids: list[str], streaming: str, switches: int, sample_every: int,
                 db_path: str) -> None:
        super().__init__()
        self.window = window
        self.task_ids = task_ids
        self.streaming = streaming
        self.switches = switches
        self.sample_every = sample_every
        self.db_path = db_path
        self.done = 0
        self.random = random.Random(13)
        self.samples: list[dict[str, Any]] = []
        self.shown: dict[str, int] = {}  # "streaming CONSOLE" → times the streaming task was shown on that tab
        self.dialogs = 0
        self.most_console_lines = 0
        self._sample_now = False
        self.started = time.perf_counter()
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._settle()
        self._sample()
        self.started = time.perf_counter()
        self.timer.start()

    def _on_timer_timeout(self) -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog):  # the Clone dialog's own loop runs these timers: close it as a person would
            modal.reject()
            return
        if self._sample_now:  # a turn after settling: what was deleted later is gone
            self._sample_now = False
            self._sample()
            if self.done >= self.switches:
                self.timer.stop()
                self._finish()
            return
        self.done += 1
        self._switch()
        if self.done % self.sample_every == 0 or self.done >= self.switches:
            self._settle()
            self._sample_now = True

    def _switch(self) -> None:
        window, page = self.window, self.window.task_page
        if self.done % DIALOG_EVERY == 0 and page.task_id is not None:
            self.dialogs += 1
            context = window.task_actions.context
            assert context is not None
            task_actions.compare(context, [page.task_id, self.streaming]).close()
            QTimer.singleShot(0, lambda task_id=page.task_id: task_actions.clone(context, [task_id]))  # modal
        if self.done % PAGE_EVERY == 0:
            window.show_page(PAGES[self.done // PAGE_EVERY % len(PAGES)])
        if self.done % SPLIT_EVERY == 0:
            window.open_project(None)
            window.set_split_view(not window.split_toggle.isChecked())
        if self.done % 2:
            window.open_task(self.random.choice(self.task_ids))
        else:
            if window.stack.currentWidget() is not page:
                window.open_task(page.task_id or self.streaming)
            page.tabs.setCurrentIndex(self.random.randrange(len(TABS)))
        if page.task_id == self.streaming:
            key = f"streaming {TABS[page.tabs.currentIndex()]}"
            self.shown[key] = self.shown.get(key, 0) + 1
            self.most_console_lines = max(self.most_console_lines, page.console.text.line_count())

    def _settle(self) -> None:
        """The same state at every sample (the streaming task's first tab, no split view), so counts compare."""
        if self.window.split_toggle.isChecked():
            self.window.set_split_view(False)
        self.window.open_task(self.streaming)
        self.window.task_page.tabs.setCurrentIndex(0)

    def _sample(self) -> None:
        sample = resources(self.window, self.db_path)
        sample["switch"] = self.done
        sample["seconds"] = round(time.perf_counter() - self.started, 2)
        self.samples.append(sample)
        print(json.dumps({"sample": sample}), flush=True)  # read even if the process dies later

    def _finish(self) -> None:
        seconds = time.perf_counter() - self.started
        self.result = {"switches": self.done, "seconds": round(seconds, 2),
                       "switches_per_second": round(self.done / seconds, 1), "dialogs": self.dialogs,
                       "shown": self.shown, "most_console_lines": self.most_console_lines, "samples": self.samples}
        self.window.close()
        self.window.core.close()
        # The console's reader thread ends after a second without requests: what is left after that stays.
        QTimer.singleShot(int(IDLE_S * 1000) + 500, self._on_closed)

    def _on_closed(self) -> None:
        gc.collect()
        self.result["closed"] = {"python_threads": threading.active_count(),
                                 "threads": len(os.listdir("/proc/self/task")),
                                 "fds": len(os.listdir("/proc/self/fd")), "db_fds": _db_fds(self.db_path),
                                 "thread_names": _thread_names(), "fd_targets": _fd_targets()}
        QApplication.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("streaming", help="the id of the task whose console streams")
    parser.add_argument("--tasks", required=True, help="the ids of the tasks to switch between, comma-separated")
    parser.add_argument("--switches", type=int, default=1500)
    parser.add_argument("--sample-every", type=int, default=100)
    options = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # what the closed window leaves is sampled after it
    window = make_window(options.url, state_path=Path(tempfile.mkdtemp(prefix="tasktune-soak-")) / "window.ini")
    window.resize(1440, 900)
    window.show()
    db_path = options.url.removeprefix("sqlite:///")
    driver = SoakDriver(window, options.tasks.split(","), options.streaming, options.switches, options.sample_every,
                        db_path)
    QTimer.singleShot(0, driver.start)
    app.exec()
    print(json.dumps(driver.result))


if __name__ == "__main__":
    main()
