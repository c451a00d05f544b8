"""One registry of task actions (text, shortcut, enablement from the core's status table, handler)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from tasktune_gui.core.status import ENABLED_FOR, Operation, Status
from tasktune_gui.ui.common.icons import icon


@dataclass(frozen=True)
class TaskAction:
    id: str
    text: str
    shortcut: str
    operation: Operation | None  # None: enabled for any task
    confirm: bool = False
    multi: bool = True  # acts on every selected task it applies to
    min_selected: int = 1  # Compare needs two

    def applies_to(self, status: str, archived: bool) -> bool:
        if self.id == "delete":
            return status == Status.DRAFT or archived
        if self.id == "archive":
            return not archived
        if self.id == "restore":
            return archived
        return self.operation is None or Status(status) in ENABLED_FOR[self.operation]


TASK_ACTIONS = (
    TaskAction("details", "Details", "", None, multi=False),  # Enter in the table: its `activated`
    TaskAction("clone", "Clone…", "Ctrl+D", None, multi=False),
    TaskAction("enqueue", "Enqueue…", "Ctrl+E", Operation.ENQUEUE),
    TaskAction("retry", "Retry", "Ctrl+Shift+R", Operation.RETRY),
    TaskAction("dequeue", "Dequeue", "", Operation.DEQUEUE),
    TaskAction("abort", "Abort", "Ctrl+.", Operation.ABORT, confirm=True),
    TaskAction("reset", "Reset", "", Operation.RESET, confirm=True),
    TaskAction("publish", "Publish", "", Operation.PUBLISH),
    TaskAction("archive", "Archive", "", None),
    TaskAction("restore", "Restore", "", None),
    TaskAction("delete", "Delete", "Del", None, confirm=True),
    TaskAction("add_tag", "Add tag…", "Ctrl+T", None),
    TaskAction("move", "Move to project…", "Ctrl+M", None),
    TaskAction("copy_id", "Copy ID", "Ctrl+Shift+C", None),
    TaskAction("compare", "Compare", "Ctrl+Shift+M", None, min_selected=2),
)


def applicable_ids(action: TaskAction, selected: list[tuple[str, str, bool]]) -> list[str]:
    """The selected tasks (id, status, archived) the action acts on; empty when it cannot act on this selection."""
    if len(selected) < action.min_selected or (not action.multi and len(selected) != 1):
        return []
    return [task_id for task_id, status, archived in selected if action.applies_to(status, archived)]


def build_qactions(parent: QWidget, trigger: Callable[[TaskAction], None]) -> dict[str, QAction]:
    """The QActions for the menu bar, toolbar and context menu alike."""
    built: dict[str, QAction] = {}
    for action in TASK_ACTIONS:
        qaction = QAction(icon(action.id), action.text, parent)
        qaction.setObjectName(f"action_{action.id}")
        if action.shortcut:
            qaction.setShortcut(QKeySequence(action.shortcut))
        qaction.triggered.connect(lambda _checked=False, a=action: trigger(a))
        built[action.id] = qaction
    return built


def label_for(action: TaskAction, applicable: int, selected: int) -> str:
    """'Enqueue… (2 of 3)' when only some of a multi-selection can take the action."""
    if selected <= 1 or applicable == selected:
        return action.text
    return f"{action.text} ({applicable} of {selected})"
