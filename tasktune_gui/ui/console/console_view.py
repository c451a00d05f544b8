"""The CONSOLE tab: the task's output as it arrives, following the tail at the bottom, with find and save."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.ui.common import gui_thread
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.console.console_lines import ConsoleLines

log = logging.getLogger(__name__)

REFRESH_MS = 100  # coalesce bursts of console batches into one repaint
# Lines read per turn of the event loop: the reader thread's page, drawn in one go (appending is cheap, but the
# database read of a page holds the GIL, so pages stay small enough not to starve the GUI thread).
PAGE = 500
IDLE_S = 1.0  # the reader thread ends after this long without a request
KEPT_LINES = 200_000  # the view is a bounded buffer; Save writes every line from the database
SAVE_PAGE = 10_000


Arrived = Callable[[str, int, list[str]], None]  # task id, id of the last line read (or the one asked after), lines


class ConsoleReader:
    """Reads new lines on a thread of its own, so a flood of output never makes the window wait on the database.

    The thread stays while requests keep coming (starting one per page cost the GUI thread up to 40 ms under
    load) and ends after IDLE_S without any: a closed window leaves nothing running for long. Its pages reach
    `arrived` on the GUI thread, unless `owner` (the view) has been deleted by then."""

    def __init__(self, core: Core, owner: QObject, arrived: Arrived) -> None:
        gui_thread.prepare()
        self.core = core
        self.owner = owner
        self.arrived = arrived
        self._wanted: tuple[str, int] | None = None  # (task id, after); the newest request wins
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def request(self, task_id: str, after: int) -> None:
        with self._ready:
            if self._closed:
                return
            self._wanted = (task_id, after)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="console-reader", daemon=True)
                self._thread.start()
            else:
                self._ready.notify()

    def close(self) -> None:
        """Stop taking requests and wait for a read under way: its database connection must be back in the pool
        before the core closes (else the connection is never closed)."""
        with self._ready:
            self._closed = True
            self._ready.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)

    def _next(self) -> tuple[str, int] | None:
        with self._ready:
            if self._wanted is None and not self._closed:
                self._ready.wait(IDLE_S)
            wanted, self._wanted = self._wanted, None
            if wanted is None or self._closed:
                self._thread = None
                return None
            return wanted

    def _loop(self) -> None:
        while (wanted := self._next()) is not None:
            task_id, after = wanted
            try:
                if after == 0:  # a long console opens at its tail: the view keeps only KEPT_LINES anyway
                    after = self.core.results.console_tail_start(task_id, KEPT_LINES)
                lines = self.core.results.console_texts(task_id, after=after, limit=PAGE)
            except Exception as exc:  # a deleted task or a closed database: nothing to show
                log.debug("console of %s not read: %s", task_id, exc)
                lines = []
            last = lines[-1][0] if lines else after
            gui_thread.call_on_gui(self.owner, self.arrived, task_id, last, [t for _, t in lines])


class ConsoleView(QWidget):
    """Reads new lines from the core when told the task has results; never polls on its own.

    Hidden (another tab in front), it reads nothing and catches up when shown: a long console is not read
    for a researcher who is editing the task's configuration."""

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("consolePanel")
        self.core = core
        self.task_id: str | None = None
        self._after = 0
        self.text = named(ConsoleLines(KEPT_LINES), "consoleView")
        self.find_box = named(QLineEdit(), "consoleFind")
        self.find_box.setPlaceholderText("Find (Ctrl+F; Enter next, Shift+Enter previous)")
        hint_width = self.find_box.fontMetrics().horizontalAdvance(self.find_box.placeholderText())
        self.find_box.setMinimumWidth(hint_width + 48)  # the hint whole, and the clear button beside it
        self.find_box.setClearButtonEnabled(True)
        self.find_box.returnPressed.connect(self.find_next)
        self.find_status = named(QLabel(), "consoleFindStatus")
        previous = named(QPushButton("Previous"), "consoleFindPrevious")
        previous.clicked.connect(self.find_previous)
        following = named(QPushButton("Next"), "consoleFindNext")
        following.clicked.connect(self.find_next)
        self.save_button = named(QPushButton("Save…"), "consoleSave")
        self.save_button.setToolTip("Save the whole console of this task to a text file")
        self.save_button.clicked.connect(self._ask_and_save)
        bar = QHBoxLayout()
        for widget in (self.find_box, previous, following, self.find_status):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.text)
        focus_find = QShortcut(QKeySequence.StandardKey.Find, self)
        focus_find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus_find.activated.connect(self._focus_find)
        find_previous = QShortcut(QKeySequence("Shift+Return"), self.find_box)
        find_previous.setContext(Qt.ShortcutContext.WidgetShortcut)
        find_previous.activated.connect(self.find_previous)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.append_new)
        self.reader = ConsoleReader(core, self, self._on_arrived)
        self._reading = False
        self._behind = False  # lines came while hidden
        self._again = False  # asked again while a read was under way

    def show_task(self, task_id: str | None) -> None:
        self.task_id = task_id
        self._after = 0
        self._reading = self._again = False
        self.text.clear()
        self.find_status.clear()
        self.append_new()

    def results_changed(self) -> None:
        """New lines may be there: read them at most every REFRESH_MS, however fast they come."""
        if not self._timer.isActive():
            self._timer.start(REFRESH_MS)

    def append_new(self) -> None:
        """Ask the reader for the lines after the last one shown; they are drawn when they arrive."""
        if self.task_id is None:
            return
        if not self.isVisible():
            self._behind = True
            return
        if self._reading:
            self._again = True  # the read under way may have looked before these lines were written
            return
        self._reading, self._again = True, False
        self.reader.request(self.task_id, self._after)

    def _on_arrived(self, task_id: str, last: int, texts: list[str]) -> None:
        if task_id != self.task_id:
            return  # lines of a task no longer shown; the shown task's read is still under way
        self._reading = False
        again, self._again = self._again, False
        if last > self._after:
            self.text.append_lines(texts)  # follows the tail only while the reader is at the bottom
            self._after = last
            again = True  # more may be waiting; an empty answer ends the round
        if again:
            self.append_new()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._behind:
            self._behind = False
            self.append_new()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        if self._timer.isActive():  # a closed view keeps no timer running; the next show reads what came
            self._timer.stop()
            self._behind = True

    # Find

    def _focus_find(self) -> None:
        self.find_box.setFocus()
        self.find_box.selectAll()

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _find(self, backward: bool) -> bool:
        """The next (or previous) line holding the text, ignoring case and wrapping around, as editors do."""
        needle = self.find_box.text().casefold()
        if not needle:
            self.find_status.clear()
            return False
        lines, current = self.text.lines, self.text.current_row()
        count = len(lines)
        start = (current if current is not None else (count if backward else -1))
        step = -1 if backward else 1
        found = next((row % count for row in range(start + step, start + step * (count + 1), step)
                      if needle in lines[row % count].casefold()), None) if count else None
        if found is not None:
            self.text.select_row(found)
        self.find_status.setText("" if found is not None else "not found")
        return found is not None

    # Save

    def _ask_and_save(self) -> None:
        if self.task_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save console", f"{self.task_id}.log", "Text files (*.log *.txt)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> int:
        """Every line of the task from the database (not only what the view keeps); returns the count."""
        if self.task_id is None:
            return 0
        count, after = 0, 0
        try:
            with path.open("w", encoding="utf-8") as handle:
                while lines := self.core.results.console(self.task_id, after=after, limit=SAVE_PAGE, setup=True):
                    handle.writelines(line.text + "\n" for line in lines)
                    count += len(lines)
                    after = lines[-1].id
        except OSError as exc:
            self.find_status.setText(f"not saved: {exc.strerror or exc}")
            return 0
        self.find_status.setText(f"saved {count} lines to {path.name}")
        return count
