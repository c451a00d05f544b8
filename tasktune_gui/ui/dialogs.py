"""The Clone and Enqueue dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from tasktune_gui.core.queues import QueueSummary
from tasktune_gui.ui.naming import named


def accept_cancel(dialog: QDialog, text: str, name: str) -> tuple[QDialogButtonBox, QPushButton]:
    """Cancel and a named accept button wired to the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    accept = named(buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole), name)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, accept


class CloneDialog(QDialog):
    """Project (type to search, or a new name to create it), name, description."""

    def __init__(self, source_name: str, project: str, projects: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cloneDialog")
        self.setWindowTitle("Clone task")
        self.project = named(QComboBox(), "cloneProject")
        self.project.setEditable(True)  # a typed name that does not exist is created
        self.project.addItems(projects)
        self.project.setCurrentText(project)
        self.name = named(QLineEdit(f"Clone Of {source_name}"), "cloneName")
        self.description = named(QLineEdit(), "cloneDescription")
        buttons, self.clone_button = accept_cancel(self, "CLONE", "cloneButton")
        form = QFormLayout(self)
        form.addRow("Project", self.project)
        form.addRow("Name", self.name)
        form.addRow("Description", self.description)
        form.addRow(buttons)


class EnqueueDialog(QDialog):
    """Queues with their pending counts and watchers; warns when nobody watches the chosen one."""

    def __init__(self, queues: list[QueueSummary], count: int, parent: QWidget | None = None,
                 start_local_worker: Callable[[str], list[QueueSummary]] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enqueueDialog")
        self._start_local_worker = start_local_worker
        self.setWindowTitle("Enqueue" if count == 1 else f"Enqueue {count} tasks")
        self._queues = queues
        self.queue = named(QComboBox(), "enqueueQueue")
        for summary in queues:
            self.queue.addItem(f"{summary.name}  ({summary.pending} pending, {summary.workers} workers)",
                               summary.name)
        self.warning = named(QLabel(), "enqueueWarning")
        self.warning.setWordWrap(True)
        self.start_worker_button = named(QPushButton("Run this queue in this window"), "enqueueStartWorker")
        self.start_worker_button.setToolTip("Start the window's own worker on this queue, so the task runs here")
        self.start_worker_button.clicked.connect(self._on_start_worker_clicked)
        buttons, self.enqueue_button = accept_cancel(self, "ENQUEUE", "enqueueButton")
        form = QFormLayout(self)
        form.addRow("Queue", self.queue)
        form.addRow(self.warning)
        form.addRow(self.start_worker_button)
        form.addRow(buttons)
        self.queue.currentIndexChanged.connect(self._on_queue_changed)
        self._on_queue_changed()

    def chosen(self) -> str:
        return str(self.queue.currentData())

    def _on_queue_changed(self) -> None:
        summary = next((q for q in self._queues if q.name == self.chosen()), None)
        unwatched = summary is not None and summary.workers == 0
        self.warning.setText(
            f"No worker watches '{self.chosen()}': the task will wait until one does "
            f"(tasktune worker --queue {self.chosen()})." if unwatched else ""
        )
        self.warning.setVisible(unwatched)
        self.start_worker_button.setVisible(unwatched and self._start_local_worker is not None)

    def _on_start_worker_clicked(self) -> None:
        if self._start_local_worker is None:
            return
        chosen = self.chosen()
        self._queues = self._start_local_worker(chosen)
        for index, summary in enumerate(self._queues):  # the counts now include the new worker
            if self.queue.itemData(index) == summary.name:
                self.queue.setItemText(index, f"{summary.name}  ({summary.pending} pending, {summary.workers} workers)")
        self._on_queue_changed()
