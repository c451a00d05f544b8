"""The window's task actions (menu bar, toolbar, right-click menu) and its Worker menu, over the core."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.settings import Settings
from tasktune_gui.ui.actions import TaskAction

if TYPE_CHECKING:
    from tasktune_gui.core.api import Core
    from tasktune_gui.core.queues import QueueSummary
    from tasktune_gui.ui.compare_view import CompareDialog
    from tasktune_gui.ui.docker_dialog import DockerWorkerDialog
    from tasktune_gui.ui.embedded_worker import EmbeddedWorker
    from tasktune_gui.ui.task_page import TaskPage
    from tasktune_gui.ui.tasks_page import TasksPage

    WindowBase = QMainWindow
else:
    WindowBase = object  # a mixin of MainWindow, which is the QMainWindow


class WindowActions(WindowBase):
    """What the window does for an action on the selected tasks, and for the Worker menu."""

    core: Core
    settings: Settings
    attached: bool
    tasks_page: TasksPage
    embedded_worker: EmbeddedWorker
    worker_toggle: QAction
    worker_label: QLabel

    if TYPE_CHECKING:
        def open_task(self, task_id: str) -> None: ...  # MainWindow's
        def open_project(self, project: str | None) -> None: ...  # MainWindow's
        @property
        def task_page(self) -> TaskPage: ...  # MainWindow's

    def _on_menu_bar_action(self, action: TaskAction) -> None:
        if not self.attached:
            return
        allowed, reason = self.tasks_page.allowed_ids(action)
        if allowed:
            self.run_action(action, allowed)
        elif reason:
            self.statusBar().showMessage(reason[0].upper() + reason[1:])

    def run_action(self, action: TaskAction, task_ids: list[str]) -> None:
        if not task_ids:
            return
        if action.confirm and not self.confirm(f"{action.text} {len(task_ids)} task(s)?"):
            return
        try:
            self._perform(action, task_ids)
        except TaskTuneError as exc:
            self.statusBar().showMessage(str(exc))
            QMessageBox.warning(self, "TaskTune", str(exc))

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, "TaskTune", question)
        return answer == QMessageBox.StandardButton.Yes

    def _perform(self, action: TaskAction, task_ids: list[str]) -> None:
        lifecycle = self.core.lifecycle
        if action.id == "clone":
            self.clone(task_ids[0])
        elif action.id == "enqueue":
            self.enqueue(task_ids)
        elif action.id == "copy_id":
            QGuiApplication.clipboard().setText("\n".join(task_ids))
        elif action.id in ("add_tag", "move"):
            self.ask_metadata(action.id, task_ids)
        elif action.id == "details":
            self.open_task(task_ids[0])
        elif action.id == "compare":
            self.compare(task_ids)
        else:
            for task_id in task_ids:
                getattr(lifecycle, action.id)(task_id)

    def compare(self, task_ids: list[str]) -> CompareDialog:
        from tasktune_gui.ui.compare_view import CompareDialog

        dialog = CompareDialog([record.to_json() for record in self.core.task_records(task_ids)], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a child of the window: freed when closed
        dialog.show()
        self.last_compare = dialog
        return dialog

    def ask_metadata(self, what: str, task_ids: list[str]) -> None:
        """Add a tag to, or move to a project, every selected task."""
        from tasktune_gui.ui.dialogs import ask_text

        if what == "add_tag":
            text, ok = ask_text(self, "Add tag", "Tag")
        else:
            projects = [s.name for s in self.core.projects.summaries()]
            text, ok = ask_text(self, "Move to project", "Project (a new name creates it)", projects, "")
        if not ok or not text.strip():
            return
        for task_id in task_ids:
            if what == "add_tag":
                self.core.tasks.add_tags(task_id, [text.strip()])
            else:
                self.core.tasks.move(task_id, text.strip())

    def clone(self, task_id: str) -> None:
        from tasktune_gui.ui.dialogs import CloneDialog

        source = self.core.task_json(task_id)
        projects = [s.name for s in self.core.projects.summaries()]
        dialog = CloneDialog(source["name"], source["project"], projects, self)
        try:
            if dialog.exec():
                new_id = self.core.tasks.clone(task_id, project=dialog.project_box.text() or None,
                                               name=dialog.name.text().strip() or None,
                                               description=dialog.description.text() or None)
                self.statusBar().showMessage(f"Cloned to {new_id}")
                self.show_clone(new_id)
        finally:
            dialog.deleteLater()  # read now; a child of the window would otherwise live as long as it

    def show_clone(self, task_id: str) -> None:
        """As the field does: the clone's project's table with the clone selected, and its page open to edit."""
        self.open_project(self.core.task_json(task_id)["project"])
        self.tasks_page.select_task(task_id)
        self.open_task(task_id)
        self.task_page.ready_to_edit()

    def enqueue(self, task_ids: list[str]) -> None:
        from tasktune_gui.ui.dialogs import EnqueueDialog

        dialog = EnqueueDialog(self.core.queues.summaries(), len(task_ids), self,
                               start_local_worker=self.run_queue_here)
        try:
            if dialog.exec():
                for task_id in task_ids:
                    self.core.lifecycle.enqueue(task_id, dialog.chosen())
        finally:
            dialog.deleteLater()

    def run_queue_here(self, queue: str) -> list[QueueSummary]:
        """The window's worker takes `queue` too (started if off); the queues as they are now."""
        if queue not in self.settings.embedded_worker_queues:
            self.settings.embedded_worker_queues.append(queue)
        self.embedded_worker.stop()  # restarted below with the new queue list
        if self.worker_toggle.isChecked():
            self.embedded_worker.start()
        else:
            self.worker_toggle.setChecked(True)
        self.worker_label.setText(self.embedded_worker.describe())
        return self.core.queues.summaries()

    def _on_worker_start_timeout(self) -> None:
        if self.worker_toggle.isChecked():
            self._on_worker_toggle_toggled(True)

    def _on_worker_toggle_toggled(self, on: bool) -> None:
        if on:
            self.embedded_worker.start()
        else:
            self.embedded_worker.stop()
        self.worker_label.setText(self.embedded_worker.describe())

    def _on_docker_action_triggered(self) -> None:
        from tasktune_gui.ui.docker_dialog import DockerWorkerDialog

        dialog = DockerWorkerDialog(self.settings, self)
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
            self.statusBar().showMessage(f"Settings not saved: {exc}")
        self.embedded_worker.restart()
        self.worker_label.setText(self.embedded_worker.describe())

