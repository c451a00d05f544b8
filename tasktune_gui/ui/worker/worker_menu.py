"""The window's Worker menu: run tasks in this window (on or off), its Docker mode, S3-compatible servers, and the
status bar's line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QMenu, QWidget

from tasktune_gui.core.settings import Settings
from tasktune_gui.ui.common.naming import named

if TYPE_CHECKING:
    from tasktune_gui.core.api import Core
    from tasktune_gui.core.summaries import QueueSummary
    from tasktune_gui.ui.worker.docker_dialog import DockerWorkerDialog
    from tasktune_gui.ui.worker.embedded_worker import EmbeddedWorker
    from tasktune_gui.ui.worker.s3_server_dialog import S3ServerDialog


class WorkerMenu:
    """Switches the window's worker; built with the frame, given the worker once the database is open."""

    embedded_worker: EmbeddedWorker
    core: Core

    def __init__(self, menu: QMenu, settings: Settings, parent: QWidget, say: Callable[[str], None]) -> None:
        self.settings = settings
        self.parent = parent
        self.say = say
        self.toggle = menu.addAction("Run tasks in this window")
        self.toggle.setObjectName("action_embedded_worker")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(settings.embedded_worker)
        self.docker_action = menu.addAction("Docker mode…")
        self.docker_action.setObjectName("action_embedded_worker_docker")
        self.s3_server_action = menu.addAction("S3-compatible servers…")
        self.s3_server_action.setObjectName("action_s3_servers")
        self.label = named(QLabel(), "workerStatus")
        self.label.setText("Worker: starting" if settings.embedded_worker else "Worker: off")

    def attach(self, embedded_worker: EmbeddedWorker, core: Core) -> None:
        self.embedded_worker = embedded_worker
        self.core = core
        self.toggle.toggled.connect(self._on_toggle_toggled)
        self.docker_action.triggered.connect(self.open_docker_dialog)
        self.s3_server_action.triggered.connect(lambda: self.edit_s3_server(""))

    def start_if_on(self) -> None:
        if self.toggle.isChecked():
            self._on_toggle_toggled(True)

    def _on_toggle_toggled(self, on: bool) -> None:
        if on:
            self.embedded_worker.start()
        else:
            self.embedded_worker.stop()
        self.label.setText(self.embedded_worker.describe())

    def run_queue_here(self, queue: str) -> list[QueueSummary]:
        """The window's worker takes `queue` too (started if off); the queues as they are now."""
        if queue not in self.settings.embedded_worker_queues:
            self.settings.embedded_worker_queues.append(queue)
        self.embedded_worker.stop()  # restarted below with the new queue list
        if self.toggle.isChecked():
            self.embedded_worker.start()
        else:
            self.toggle.setChecked(True)
        self.label.setText(self.embedded_worker.describe())
        return self.core.queues.summaries()

    def open_docker_dialog(self) -> None:
        from tasktune_gui.ui.worker.docker_dialog import DockerWorkerDialog

        dialog = DockerWorkerDialog(self.settings, self.parent)
        try:
            if dialog.exec():
                self.apply_docker_settings(dialog)
        finally:
            dialog.deleteLater()

    def apply_docker_settings(self, dialog: DockerWorkerDialog) -> None:
        dialog.apply_to(self.settings)
        try:
            self.settings.save()
        except OSError as exc:  # the change still holds for this session
            self.say(f"Settings not saved: {exc}")
        self.embedded_worker.restart()
        self.label.setText(self.embedded_worker.describe())

    def edit_s3_server(self, server: str) -> S3ServerDialog:
        """The S3-compatible server dialog, opened on `server` (none: the first saved or a new one); OK saves."""
        from tasktune_gui.ui.worker.s3_server_dialog import S3ServerDialog

        dialog = S3ServerDialog(self.settings, server, self.parent)
        dialog.accepted.connect(lambda: self.apply_s3_server(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def apply_s3_server(self, dialog: S3ServerDialog) -> None:
        server = dialog.apply_to(self.settings)
        try:
            self.settings.save()
        except OSError as exc:  # the change still holds for this session
            self.say(f"Settings not saved: {exc}")
        else:
            self.say(f"Settings of {server} saved")
