"""One registry of task actions, each with its callback and its enablement from the core's status table: the menu
bar, the toolbar and the table's context menu are all built from it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar, QWidget

from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.status import Operation, Status, allows
from tasktune_gui.ui.common.icons import icon

if TYPE_CHECKING:
    from tasktune_gui.core.api import Core
    from tasktune_gui.core.summaries import QueueSummary
    from tasktune_gui.core.users import Identity

Selected = tuple[str, str, bool]  # a selected task: id, status, archived


@dataclass(frozen=True)
class ActionContext:
    """What an action's callback works with, handed to the registry once the database is open."""

    core: Core
    parent: QWidget | None  # of the dialogs an action opens (the tray has no window)
    say: Callable[[str], None]  # a line in the status bar
    open_task: Callable[[str], None]
    show_clone: Callable[[str], None]  # the clone's table with it selected, and its page ready to edit
    run_queue_here: Callable[[str], list[QueueSummary]]  # the window's worker takes the queue too


@dataclass(frozen=True)
class TaskAction:
    id: str  # object names (action_ID in menus and toolbar, menu_ID in the context menu) and the icon's name
    text: str
    run: Callable[[ActionContext, list[str]], object]  # on the selected tasks it applies to; may return a dialog
    operation: Operation | None = None  # enabled where the core allows it; None: for any task
    shortcut: str = ""
    confirm: bool = False
    multi: bool = True  # acts on every selected task it applies to
    min_selected: int = 1  # Compare needs two
    toolbar: bool = False
    activates: bool = False  # what Enter or a double-click on a row does
    owner_verb: str | None = None  # in a lab, only a task's owner (or an admin) may: the verb a refusal says
    creates: bool = False  # makes a task: not for a lab's read-only logins

    def applies_to(self, status: str, archived: bool) -> bool:
        return self.operation is None or allows(self.operation, Status(status), archived)


def applicable_ids(action: TaskAction, selected: Sequence[Selected]) -> list[str]:
    """The selected tasks the action acts on; empty when it cannot act on this selection."""
    if len(selected) < action.min_selected or (not action.multi and len(selected) != 1):
        return []
    return [task_id for task_id, status, archived in selected if action.applies_to(status, archived)]


def refusal_for(action: TaskAction, identity: Identity, owner: str) -> str | None:
    """Why the lab's rules keep this user from the action on a task of `owner` (a tooltip); None: allowed."""
    # Imported with the core once the database is open: the frame's menus are shown before the core loads.
    from tasktune_gui.core.permissions import READ_ONLY_ROLES, refusal

    if action.creates and identity.role in READ_ONLY_ROLES:
        reason: str | None = f"{identity.user} is a lab {identity.role} login: it cannot create tasks"
    else:
        reason = None if action.owner_verb is None else refusal(identity, owner, action.owner_verb)
    return reason[0].upper() + reason[1:] if reason else None


def permitted(action: TaskAction, identity: Identity, task_ids: list[str],
              owners: dict[str, str]) -> tuple[list[str], str]:
    """The tasks the user may take the action on, and why not when that leaves none."""
    allowed = [task_id for task_id in task_ids if refusal_for(action, identity, owners.get(task_id, "")) is None]
    reason = "" if allowed or not task_ids else refusal_for(action, identity, owners.get(task_ids[0], "")) or ""
    return allowed, reason


def label_for(action: TaskAction, applicable: int, selected: int) -> str:
    """'Enqueue… (2 of 3)' when only some of a multi-selection can take the action."""
    if selected <= 1 or applicable == selected:
        return action.text
    return f"{action.text} ({applicable} of {selected})"


class ActionRegistry:
    """The task actions and their QActions; enabled for the current selection once a context is attached."""

    def __init__(self, parent: QObject, actions: Sequence[TaskAction]) -> None:
        self.parent = parent if isinstance(parent, QWidget) else None  # of its message boxes
        self.actions = tuple(actions)
        self.context: ActionContext | None = None
        self._selection: Callable[[], list[Selected]] = list
        self._owners: Callable[[], dict[str, str]] = dict  # selected id → the user who made it
        self.last_opened: object = None  # what the last action opened (Compare's dialog)
        self.qactions: dict[str, QAction] = {}
        for action in self.actions:
            qaction = QAction(icon(action.id), action.text, parent)
            qaction.setObjectName(f"action_{action.id}")
            if action.shortcut:
                qaction.setShortcut(QKeySequence(action.shortcut))
            qaction.triggered.connect(lambda _checked=False, a=action: self.on_selection(a))
            qaction.setEnabled(False)  # nothing to act on until the database is open
            self.qactions[action.id] = qaction
        # Selection and row changes come in bursts (a drag, a page of updates): enablement is read once after.
        self._refresh_timer = QTimer(parent)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)

    def attach(self, context: ActionContext, selection: Callable[[], list[Selected]],
               owners: Callable[[], dict[str, str]] = dict) -> None:
        self.context = context
        self._selection = selection
        self._owners = owners
        self.refresh()

    def allowed(self, action: TaskAction, selected: list[Selected],
                owners: dict[str, str] | None = None) -> tuple[list[str], str]:
        """The selected tasks the action applies to and a lab's rules let this user act on; why not, if none."""
        applicable = applicable_ids(action, selected)
        if self.context is None or not applicable or self.context.core.store.identity.may_do_anything:
            return applicable, ""
        return permitted(action, self.context.core.store.identity, applicable,
                         self._owners() if owners is None else owners)

    def schedule_refresh(self) -> None:
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Each QAction enabled where it can act on the current selection."""
        selected = self._selection() if self.context is not None else []
        for action in self.actions:
            allowed, reason = self.allowed(action, selected)
            self.qactions[action.id].setEnabled(bool(allowed))
            self.qactions[action.id].setToolTip(reason or action.text)

    def fill_menu(self, menu: QMenu) -> None:
        for action in self.actions:
            menu.addAction(self.qactions[action.id])

    def fill_toolbar(self, toolbar: QToolBar) -> None:
        for action in self.actions:
            if action.toolbar:
                toolbar.addAction(self.qactions[action.id])

    def context_menu(self, parent: QWidget) -> QMenu:
        """The right-click menu for the selection: each entry enabled where it applies, saying to how many."""
        menu = QMenu(parent)
        menu.setObjectName("taskContextMenu")
        self.add_entries(menu, self._selection(), self._owners())
        return menu

    def add_entries(self, menu: QMenu, selected: list[Selected], owners: dict[str, str]) -> None:
        """An entry per action for `selected` (id → maker in `owners`), enabled where it applies."""
        menu.setToolTipsVisible(True)  # a lab's rules say whose task it is
        for action in self.actions:
            allowed, reason = self.allowed(action, selected, owners)
            entry = menu.addAction(label_for(action, len(allowed), len(selected)))
            entry.setObjectName(f"menu_{action.id}")
            entry.setEnabled(bool(allowed))
            if reason:
                entry.setToolTip(reason)
            entry.triggered.connect(lambda _c=False, a=action, ids=allowed: self.trigger(a, ids))

    def activate(self) -> None:
        """Enter or a double-click on a row."""
        for action in self.actions:
            if action.activates:
                self.on_selection(action)

    def on_selection(self, action: TaskAction) -> None:
        allowed, reason = self.allowed(action, self._selection())
        if reason and self.context is not None:
            self.context.say(reason)
        self.trigger(action, allowed)

    def trigger(self, action: TaskAction, task_ids: list[str]) -> None:
        if not task_ids or self.context is None:
            return
        if action.confirm and not self.confirm(f"{action.text} {len(task_ids)} task(s)?"):
            return
        try:
            self.last_opened = action.run(self.context, task_ids)
        except TaskTuneError as exc:
            self.context.say(str(exc))
            QMessageBox.warning(self.parent, "TaskTune", str(exc))

    def confirm(self, question: str) -> bool:
        return QMessageBox.question(self.parent, "TaskTune", question) == QMessageBox.StandardButton.Yes
