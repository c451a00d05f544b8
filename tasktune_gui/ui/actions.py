"""One registry of task actions (text, shortcut, enablement from the core's status table, handler)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from tasktune_gui.core.permissions import READ_ONLY_ROLES, refusal
from tasktune_gui.core.status import ENABLED_FOR, Operation, Status
from tasktune_gui.core.users import Identity
from tasktune_gui.ui.icons import icon


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


# Actions only a task's owner (or a lab admin) may take, by the verb a refusal says.
OWNER_ONLY = {"enqueue": "enqueue", "retry": "retry", "dequeue": "dequeue", "abort": "abort", "reset": "reset",
              "publish": "publish", "archive": "archive", "restore": "restore", "delete": "delete",
              "add_tag": "tag", "move": "move"}


def refusal_for(action: TaskAction, identity: Identity, owner: str) -> str | None:
    """Why the lab's rules keep this user from the action on a task of `owner` (the tooltip); None: allowed."""
    if action.id == "clone" and identity.role in READ_ONLY_ROLES:
        return f"{identity.user} is a lab {identity.role} login: it cannot create tasks"
    verb = OWNER_ONLY.get(action.id)
    return None if verb is None else refusal(identity, owner, verb)


def permitted(action: TaskAction, identity: Identity, task_ids: list[str],
              owners: dict[str, str]) -> tuple[list[str], str]:
    """The tasks the user may take the action on, and why not when that leaves none."""
    allowed = [task_id for task_id in task_ids if refusal_for(action, identity, owners.get(task_id, "")) is None]
    reason = "" if allowed or not task_ids else refusal_for(action, identity, owners.get(task_ids[0], "")) or ""
    return allowed, reason


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
