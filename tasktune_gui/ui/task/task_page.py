"""The task page: a header and the EXECUTION, CONFIGURATION, ARTIFACTS, INFO, CONSOLE and SCALARS tabs (and SWEEP
for an optimizer task)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import NotFound, TaskTuneError
from tasktune_gui.core.events import Change
from tasktune_gui.core.history import last_said
from tasktune_gui.core.records import TaskRecord
from tasktune_gui.ui.common.background import Background
from tasktune_gui.ui.common.durations import clock
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.setup_status import TICK_MS, setup_text
from tasktune_gui.ui.console.console_view import ConsoleView
from tasktune_gui.ui.task.artifacts_tab import ArtifactsTab
from tasktune_gui.ui.task.configuration_tab import ConfigurationTab
from tasktune_gui.ui.task.execution_tab import ExecutionTab
from tasktune_gui.ui.task.scalars_view import ScalarsView
from tasktune_gui.ui.task.sweep_tab import SweepTab

log = logging.getLogger(__name__)
READ_TRIES = 3
READ_RETRY_MS = 1000


class TaskPage(QWidget):
    shown = Signal()  # the page shows a fresh read of its task
    open_trial = Signal(str)  # from the SWEEP tab: a trial, or the best one's Draft clone
    compare_trials = Signal(list)  # from the SWEEP tab: the trials selected in its table

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("taskPage")
        self.core = core
        self.task_id: str | None = None
        self.record: TaskRecord | None = None  # the task as last shown
        self.background = Background(self)  # its own thread: never queued behind the dashboard's counting
        self._reading = False
        self._stale = False
        self._failed_reads = 0  # in a row, for one change: a longer outage is said in the log, not retried for ever
        self.name = named(QLineEdit(), "taskName")
        self.status = named(QLabel(), "taskStatus")
        self.id_label = named(QLabel(), "taskId")
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tags = named(QLabel(), "taskTags")
        copy = named(QPushButton("Copy ID"), "copyTaskId")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.task_id or ""))
        self.name.editingFinished.connect(self._on_name_edited)
        header = QHBoxLayout()
        header.addWidget(self.name)
        header.addWidget(self.status)
        header.addWidget(self.tags)
        header.addWidget(self.id_label)
        header.addWidget(copy)
        self.tabs = named(QTabWidget(), "taskTabs")
        self.execution = ExecutionTab(core)
        self.configuration = ConfigurationTab(core)
        self.artifacts = ArtifactsTab(core)
        self.info = named(QLabel(), "infoView")
        self.info.setWordWrap(True)  # a message (create's note on what it could not read) may be long
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.info.setMargin(8)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.console = ConsoleView(core)
        self.scalars = ScalarsView()
        tabs: tuple[tuple[str, QWidget], ...] = (("EXECUTION", self.execution), ("CONFIGURATION", self.configuration),
                              ("ARTIFACTS", self.artifacts), ("INFO", self.info), ("CONSOLE", self.console),
                              ("SCALARS", self.scalars))
        for title, widget in tabs:
            self.tabs.addTab(widget, title)
        self._sweep: SweepTab | None = None  # built for the first optimizer task shown
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs)
        # While the task is in its setup, INFO counts the step's seconds (no read: the record has its start).
        self._setup_tick = QTimer(self)
        self._setup_tick.setInterval(TICK_MS)
        self._setup_tick.timeout.connect(self._on_setup_tick_timeout)

    def show_task(self, task_id: str) -> None:
        self.task_id = task_id
        self.refresh()
        self.console.show_task(task_id)

    def ready_to_edit(self) -> None:
        """A new Draft (a clone): its EXECUTION tab in front and its name selected, to be typed over."""
        self.tabs.setCurrentWidget(self.execution)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.name.selectAll()

    def refresh(self) -> None:
        """Read the task now and show it (opening a task, or after an edit made here)."""
        if self.task_id is None:
            return
        self._show(self.core.task_record(self.task_id, with_history=True), self.core.results.scalars(self.task_id),
                   self.core.sweeps.watch(self.task_id))

    def refresh_later(self) -> None:
        """Read the task on a thread and show it when read: a change made elsewhere never makes the window wait.

        One read at a time; changes that arrive meanwhile are folded into one more read."""
        if self.task_id is None:
            return
        if self._reading:
            self._stale = True
            return
        self._reading = True
        task_id = self.task_id
        self.background.run(lambda: (self.core.task_record(task_id, with_history=True),
                                     self.core.results.scalars(task_id), self.core.sweeps.watch(task_id)),
                            lambda read: self._on_read(task_id, read),
                            lambda error: self._on_read_failed(task_id, error))

    def _on_read_failed(self, task_id: str, error: Exception) -> None:
        """A task deleted meanwhile is said by its deletion; any other failure (the database busy or away) is
        tried again shortly, so the page never stays behind a change it was told of."""
        if isinstance(error, NotFound) or task_id != self.task_id:
            self._on_read(task_id, None)
            return
        self._failed_reads += 1
        log.warning("reading task %s failed (%s of %s): %s", task_id, self._failed_reads, READ_TRIES, error)
        if self._failed_reads < READ_TRIES:
            self._stale = False
            QTimer.singleShot(READ_RETRY_MS, self, self._retry_read)
        else:
            self._failed_reads = 0  # the next change the page is told of gets its tries again
            self._on_read(task_id, None)

    def _retry_read(self) -> None:
        self._reading = False
        self.refresh_later()

    def _on_read(self, task_id: str, read: tuple[TaskRecord, list[Any], dict[str, Any] | None] | None) -> None:
        self._reading = False
        if read is not None:
            self._failed_reads = 0
        if read is not None and task_id == self.task_id:  # None: deleted meanwhile; the deletion says so
            self._show(*read)
        if self._stale:
            self._stale = False
            self.refresh_later()

    def _show(self, record: TaskRecord, points: list[Any], sweep: dict[str, Any] | None = None) -> None:
        self.record = record
        self.name.setText(record.name)
        self.status.setText(record.status.capitalize() + (f" — {record.status_reason}" if record.status_reason else ""))
        self.id_label.setText(record.id)
        self.tags.setText("  ".join(f"#{tag}" for tag in record.tags))
        self.execution.show_record(record)
        self.configuration.show_record(record)
        self.artifacts.show_record(record)
        self.info.setText(_info_text(record))
        if _setup(record) and not self._setup_tick.isActive():
            self._setup_tick.start()  # stops itself on the first tick after the setup
        self.scalars.show_points(points)
        self._show_sweep(record, sweep)
        self.shown.emit()

    @property
    def sweep(self) -> SweepTab:
        """The SWEEP tab, built the first time an optimizer task is shown: its four charts are for no other task,
        and every pyqtgraph view a closed window leaves is one more for Python's collector to meet. Owned by the page
        while it is not a tab: left without a parent it outlived the closed window, and PySide deleted it at the
        interpreter's exit in no set order ("shared QObject was deleted directly", then SIGSEGV on Python 3.13)."""
        if self._sweep is None:
            self._sweep = SweepTab(self.core, self.background, parent=self)
            self._sweep.hide()
            self._sweep.open_trial.connect(self.open_trial)
            self._sweep.compare_trials.connect(self.compare_trials)
        return self._sweep

    def _show_sweep(self, record: TaskRecord, sweep: dict[str, Any] | None) -> None:
        if sweep is None:
            if self._sweep is not None and self.tabs.indexOf(self._sweep) >= 0:
                self.tabs.removeTab(self.tabs.indexOf(self._sweep))
            return
        index = self.tabs.indexOf(self.sweep)
        if index < 0:
            self.tabs.addTab(self.sweep, "SWEEP")
        self.sweep.show_sweep(record.id, sweep, record.status)

    def stop_ticking(self) -> None:
        self._setup_tick.stop()

    def _on_setup_tick_timeout(self) -> None:
        if self.record is None or not _setup(self.record):
            self._setup_tick.stop()
            return
        self.info.setText(_info_text(self.record))

    def on_change(self, change: Change) -> None:
        if self.task_id is None or self.task_id not in change.ids:
            return
        if change.action == "results":
            self.console.results_changed()
            # A sweep writes a console line each time it moves a trial on: its SWEEP tab reads it again.
            if self.record is not None and self.record.type == "optimizer":
                self.refresh_later()
            return  # scalars are redrawn when the task's record changes (last iteration), not per batch
        if change.action == "deleted":
            self.task_id = None
            self.console.show_task(None)
            return
        self.refresh_later()

    def _on_name_edited(self) -> None:
        """Rename when the person typed a new name. Leaving the field (focus moving on, a window becoming inactive)
        also ends its editing: writing the shown name then would undo a rename made elsewhere meanwhile."""
        if self.task_id is None or not self.name.isModified():
            return
        self.name.setModified(False)
        if self.record is not None and self.name.text() == self.record.name:
            return
        try:
            self.core.tasks.rename(self.task_id, self.name.text())
        except TaskTuneError as exc:
            self.status.setText(str(exc))


def _info_text(record: TaskRecord) -> str:
    runtime = record.runtime
    rows = [("Status", record.status.capitalize()), ("Setup", _setup(record)),
            ("Reason", record.status_reason), ("Last change", last_said(record.history)),
            ("Message", record.status_message),
            ("Worker", runtime.worker), ("Host", runtime.host), ("PID", runtime.pid),
            ("Exit code", runtime.exit_code), ("Started", _local(record.started)),
            ("Completed", _local(record.completed)),
            ("Duration", _duration(record.started, record.completed)),
            ("User", record.user), ("Parent", record.parent), ("Created", _local(record.created))]
    return "\n".join(f"{label}: {value}" for label, value in rows if value not in (None, ""))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite gives back naive UTC


def _local(moment: datetime | None) -> str:
    """A time from the record as this machine's clock reads it, to the second."""
    return _utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _setup(record: TaskRecord) -> str:
    """The setup step a running task is in, with its time so far ("environment 0:34"); "" once it runs."""
    if record.status != "running":
        return ""
    return setup_text(record.runtime.setup_step, record.runtime.setup_started)


def _duration(started: datetime | None, ended: datetime | None) -> str:
    """Run time as h:mm:ss; still counting while the task runs."""
    if started is None:
        return ""
    return clock(_utc(started), _utc(ended) if ended else None) + ("" if ended else " (running)")
