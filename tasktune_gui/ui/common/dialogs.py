"""The Clone and Enqueue dialogs, the project box that says when a name creates a project, and dialog sizing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.ui.common.naming import named

if TYPE_CHECKING:  # the frame's dialogs load before the core
    from tasktune_gui.core.summaries import QueueSummary


# Wide enough for a project path and a sentence of description; a longer text elides or scrolls in its box.
DIALOG_MIN_WIDTH = 460
BOX_MIN_CHARACTERS = 24  # a combo box sized by its longest entry would push a dialog off a laptop's screen


def fit_dialog(dialog: QDialog) -> QDialog:
    """Give `dialog` the window's dialog width (Qt sizes a form to its widgets' hints: about 200 px)."""
    dialog.setMinimumWidth(DIALOG_MIN_WIDTH)
    return dialog


def fit_combo(box: QComboBox) -> QComboBox:
    """A combo box whose width does not follow its longest entry; its list elides in the middle instead."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(BOX_MIN_CHARACTERS)
    box.view().setTextElideMode(Qt.TextElideMode.ElideMiddle)
    return box


class WideInputDialog(QInputDialog):
    """QInputDialog at the dialogs' width, its question wrapped (it lays itself out only when shown)."""

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        layout = self.layout()
        if layout is not None:  # its layout fixes the size to the hint, which ignores a minimum width
            layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        for label in self.findChildren(QLabel):
            label.setWordWrap(True)
        self.resize(max(self.width(), DIALOG_MIN_WIDTH), self.height())
        super().showEvent(event)


def ask_text(parent: QWidget | None, title: str, label: str, choices: list[str] | None = None,
             current: str = "") -> tuple[str, bool]:
    """QInputDialog.getText at the dialogs' width; with `choices`, an editable list of them."""
    dialog = WideInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    if choices is not None:
        dialog.setComboBoxItems(choices)
        dialog.setComboBoxEditable(True)
    dialog.setTextValue(current)
    fit_dialog(dialog)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.textValue(), accepted


def accept_cancel(dialog: QDialog, text: str, name: str) -> tuple[QDialogButtonBox, QPushButton]:
    """Cancel and a named accept button wired to the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    accept = named(buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole), name)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, accept


class ElidedLabel(QLabel):
    """One line whose text, when too long for the width, loses its middle to '…' (all of it in the tooltip):
    a wrapped label in a dialog is cut at the height its unwrapped text had."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())  # its width is the layout's to give

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, self.contentsRect().width())
        self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class ProjectBox(QWidget):
    """An editable list of the projects; a name not in it is said to create a new project, as it will."""

    changed = Signal(str)

    def __init__(self, projects: list[str], current: str, name: str) -> None:
        super().__init__()
        self.projects = set(projects)
        self.box = named(fit_combo(QComboBox()), name)
        self.box.setEditable(True)
        self.box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # Enter must not add a typed name to the list
        self.box.addItems(projects)
        line = self.box.lineEdit()
        if line is not None:  # editable: it has one
            line.setPlaceholderText("a project, or a new name to create one")
        self.hint = named(ElidedLabel(), f"{name}Hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.hint)
        self.box.editTextChanged.connect(self._on_box_edit_text_changed)
        self.box.setCurrentText(current)
        self._on_box_edit_text_changed(self.box.currentText())

    def text(self) -> str:
        return self.box.currentText().strip()

    def creates(self) -> bool:
        return bool(self.text()) and self.text() not in self.projects

    def _on_box_edit_text_changed(self, _text: str) -> None:
        self.hint.set_full_text(f'New project "{self.text()}" will be created.' if self.creates() else "")
        self.hint.setVisible(self.creates())
        self.changed.emit(self.text())


class CloneDialog(QDialog):
    """Project (type to search, or a new name to create it), name, description."""

    def __init__(self, source_name: str, project: str, projects: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cloneDialog")
        self.setWindowTitle("Clone task")
        fit_dialog(self)
        self.project_box = ProjectBox(projects, project, "cloneProject")
        self.project = self.project_box.box
        self.name = named(QLineEdit(f"Clone Of {source_name}"), "cloneName")
        self.description = named(QLineEdit(), "cloneDescription")
        buttons, self.clone_button = accept_cancel(self, "CLONE", "cloneButton")
        form = QFormLayout(self)
        form.addRow("Project", self.project_box)
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
        fit_dialog(self)
        self._queues = queues
        self.queue = named(fit_combo(QComboBox()), "enqueueQueue")
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
