"""The tray worker: a Worker with a system-tray icon (idle, busy, paused, error) and a menu rebuilt on opening."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.events import Change
from tasktune_gui.execution.worker import autostart
from tasktune_gui.execution.worker.worker import Worker
from tasktune_gui.ui.common.actions import ActionContext, ActionRegistry, TaskAction
from tasktune_gui.ui.common.durations import clock
from tasktune_gui.ui.common.qt_bridge import ChangeSignals
from tasktune_gui.ui.worker.notifier import end_message

IDLE, BUSY, PAUSED, ERROR = "idle", "busy", "paused", "error"
STATE_COLOURS = {IDLE: "#859900", BUSY: "#268bd2", PAUSED: "#b58900", ERROR: "#dc322f"}
REFRESH_MS = 1000  # elapsed times and the database's health, between change notifications


def state_icon(state: str, size: int = 64) -> QIcon:
    """A filled circle in the state's colour; a pause sign when paused, a bar when in error."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(STATE_COLOURS[state])))
    painter.drawEllipse(QPointF(size / 2, size / 2), size * 0.46, size * 0.46)
    painter.setPen(QPen(QColor("white"), size / 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    if state == PAUSED:
        painter.drawLine(QPointF(size * 0.4, size * 0.3), QPointF(size * 0.4, size * 0.7))
        painter.drawLine(QPointF(size * 0.6, size * 0.3), QPointF(size * 0.6, size * 0.7))
    elif state == ERROR:
        painter.drawLine(QPointF(size * 0.3, size * 0.5), QPointF(size * 0.7, size * 0.5))
    painter.end()
    return QIcon(pixmap)


def elapsed(started: datetime | None, now: datetime | None = None) -> str:
    if started is None:
        return "starting"
    return clock(started, now)


class TrayWorker(QObject):
    """Hosts a started Worker; the menu and state work with or without a tray host (tests run without)."""

    def __init__(self, core: Core, worker: Worker, open_window: Callable[[str | None], None],
                 quit_app: Callable[[], None], autostart_argv: list[str],
                 notify: Callable[[str, str], None] | None = None, task_actions: Sequence[TaskAction] = ()) -> None:
        """`task_actions`: what each running task's entry offers beside its console (the window's registry's)."""
        super().__init__()
        self.core = core
        self.worker = worker
        self._open_window = open_window
        self._quit_app = quit_app
        self.autostart_argv = autostart_argv
        self.sent: list[tuple[str, str]] = []  # notifications, newest last
        self._notify = notify
        self.tray: QSystemTrayIcon | None = None
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.task_actions = ActionRegistry(self, task_actions)
        self.task_actions.attach(ActionContext(core, None, self.say, open_window, open_window, lambda _queue: []),
                                 list)
        self.state = ""
        self.signals = ChangeSignals(core.events, self)
        self.signals.changed.connect(self._on_core_changed)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)
        self.rebuild_menu()
        self.refresh()

    def attach(self, tray: QSystemTrayIcon) -> None:
        """Show through a real tray icon (only where a tray host runs)."""
        self.tray = tray
        tray.setContextMenu(self.menu)
        tray.activated.connect(self._on_tray_activated)
        self.refresh()
        tray.show()

    # State

    def current_state(self) -> str:
        if self.worker.database_error:
            return ERROR
        if self.worker.paused:
            return PAUSED
        return BUSY if self.worker.running() else IDLE

    def tooltip(self) -> str:
        queues = ", ".join(self.worker.config.queues)
        if self.worker.database_error:
            return f"TaskTune worker: database unreachable ({self.worker.database_error})"
        running = len(self.worker.running())
        what = {IDLE: "idle", BUSY: f"running {running} task(s)", PAUSED: "paused"}[self.current_state()]
        return f"TaskTune worker on {queues}: {what}"

    def refresh(self) -> None:
        state = self.current_state()
        if self.tray is not None:
            if state != self.state:
                self.tray.setIcon(state_icon(state))
            self.tray.setToolTip(self.tooltip())
        self.state = state

    # Menu

    def rebuild_menu(self) -> None:
        """Called each time the menu opens, so it shows the tasks running now and their elapsed times."""
        self.menu.clear()
        header = self.menu.addAction(self.tooltip())
        header.setEnabled(False)
        self.menu.addSeparator()
        runs = self.worker.running()
        if not runs:
            self.menu.addAction("No task running").setEnabled(False)
        for run in runs:
            try:
                task = self.core.tasks.get(run.task_id)
            except TaskTuneError:  # deleted meanwhile
                continue
            entry = self.menu.addMenu(f"{task.name}  ·  {elapsed(task.started)}")
            entry.menuAction().setObjectName(f"trayTask_{run.task_id}")
            opener = entry.addAction("Open console")
            opener.setObjectName(f"trayOpen_{run.task_id}")
            opener.triggered.connect(lambda _c=False, t=run.task_id: self._open_window(t))
            self.task_actions.add_entries(entry, [(task.id, task.status, task.archived)], {task.id: task.user})
        self.menu.addSeparator()
        paused = self.worker.paused
        self._add("Resume taking work" if paused else "Pause taking work", "trayPause",
                  lambda _c=False: self.set_paused(not paused))
        self._add("Open TaskTune", "trayOpenWindow", lambda _c=False: self._open_window(None))
        login = self._add("Start at login", "trayAutostart", self._on_autostart_toggled)
        login.setCheckable(True)
        login.setChecked(autostart.enabled())
        self.menu.addSeparator()
        self._add("Quit", "trayQuit", lambda _c=False: self.quit())

    def _add(self, text: str, name: str, handler: Callable[..., object]) -> QAction:
        action = self.menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(handler)
        return action

    def action(self, name: str) -> QAction:
        found = self.menu.findChild(QAction, name)
        if found is None:
            raise LookupError(f"no menu entry {name}")
        return found

    # Commands

    def say(self, text: str) -> None:
        """What an action has to tell (a refusal, an error): a notification, as the tray has no status bar."""
        self.sent.append(("TaskTune", text))
        if self._notify is not None:
            self._notify("TaskTune", text)
        elif self.tray is not None:
            self.tray.showMessage("TaskTune", text, QSystemTrayIcon.MessageIcon.Warning, 8000)

    def set_paused(self, paused: bool) -> None:
        try:
            self.worker.set_paused(paused)
        except Exception as exc:  # the database is away: say so through the icon, change nothing
            self.worker.database_error = f"pausing: {exc}"
        self.refresh()

    def _on_autostart_toggled(self, on: bool) -> None:
        if on:
            autostart.enable(self.autostart_argv)
        else:
            autostart.disable()

    def quit(self) -> None:
        self._timer.stop()
        self.signals.close()
        if self.tray is not None:
            self.tray.hide()
        self._quit_app()

    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self._open_window(None)

    # Notifications

    def _on_core_changed(self, change: Change) -> None:
        if change.kind == "worker" or (change.kind == "task" and change.action == "status"):
            self.refresh()
        if change.kind != "task" or change.action != "status":
            return
        for task_id in change.ids:
            try:
                task = self.core.tasks.get(task_id)
            except TaskTuneError:
                continue
            message = end_message(task)
            if message is None or task.worker != self.worker.id:
                continue
            title, body = message
            self.sent.append(message)
            if self._notify is not None:
                self._notify(title, body)
            elif self.tray is not None:
                icon = (QSystemTrayIcon.MessageIcon.Information if task.status == "completed"
                        else QSystemTrayIcon.MessageIcon.Warning)
                self.tray.showMessage(title, body, icon, 8000)
