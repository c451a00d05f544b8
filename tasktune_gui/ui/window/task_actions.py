"""The window's task actions, declared once: text, shortcut, the core's operation that enables each, its callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tasktune_gui.core.status import Operation
from tasktune_gui.ui.common.actions import ActionContext, TaskAction

# The dialogs and the core's modules are imported when an action runs: the frame (and its menus) is shown first.
if TYPE_CHECKING:
    from tasktune_gui.core.lifecycle import Lifecycle
    from tasktune_gui.ui.tasks.compare_view import CompareDialog


def each(step: Callable[[Lifecycle], Callable[[str], object]]) -> Callable[[ActionContext, list[str]], None]:
    """A callback taking the lifecycle's step on every task it applies to."""

    def run(context: ActionContext, task_ids: list[str]) -> None:
        for task_id in task_ids:
            step(context.core.lifecycle)(task_id)

    return run


def details(context: ActionContext, task_ids: list[str]) -> None:
    context.open_task(task_ids[0])


def clone(context: ActionContext, task_ids: list[str]) -> None:
    from tasktune_gui.ui.common.dialogs import CloneDialog

    core = context.core
    source = core.task_record(task_ids[0])
    projects = [s.name for s in core.projects.summaries()]
    dialog = CloneDialog(source.name, source.project, projects, context.parent)
    try:
        if dialog.exec():
            new_id = core.tasks.clone(task_ids[0], project=dialog.project_box.text() or None,
                                      name=dialog.name.text().strip() or None,
                                      description=dialog.description.text() or None)
            context.say(f"Cloned to {new_id}")
            context.show_clone(new_id)
    finally:
        dialog.deleteLater()  # read now; a child of the window would otherwise live as long as it


def sweep(context: ActionContext, task_ids: list[str]) -> None:
    from tasktune_gui.ui.tasks.sweep_dialog import SweepDialog

    core = context.core
    dialog = SweepDialog(core.task_json(task_ids[0]), [q.name for q in core.queues.summaries()], context.parent)
    try:
        if dialog.exec():
            new_id = core.sweeps.create(dialog.definition(), queue=dialog.queue.currentText() or None)
            context.say(f"Sweep {new_id} created and enqueued")
            context.open_task(new_id)
    finally:
        dialog.deleteLater()


def enqueue(context: ActionContext, task_ids: list[str]) -> None:
    from tasktune_gui.ui.common.dialogs import EnqueueDialog

    dialog = EnqueueDialog(context.core.queues.summaries(), len(task_ids), context.parent,
                           start_local_worker=context.run_queue_here)
    try:
        if dialog.exec():
            for task_id in task_ids:
                context.core.lifecycle.enqueue(task_id, dialog.chosen())
    finally:
        dialog.deleteLater()


def add_tag(context: ActionContext, task_ids: list[str]) -> None:
    from tasktune_gui.ui.common.dialogs import ask_text

    text, ok = ask_text(context.parent, "Add tag", "Tag")
    if ok and text.strip():
        for task_id in task_ids:
            context.core.tasks.add_tags(task_id, [text.strip()])


def move(context: ActionContext, task_ids: list[str]) -> None:
    from tasktune_gui.ui.common.dialogs import ask_text

    projects = [s.name for s in context.core.projects.summaries()]
    text, ok = ask_text(context.parent, "Move to project", "Project (a new name creates it)", projects, "")
    if ok and text.strip():
        for task_id in task_ids:
            context.core.tasks.move(task_id, text.strip())


def copy_id(_context: ActionContext, task_ids: list[str]) -> None:
    QGuiApplication.clipboard().setText("\n".join(task_ids))


def compare(context: ActionContext, task_ids: list[str]) -> CompareDialog:
    from tasktune_gui.ui.tasks.compare_view import CompareDialog

    core = context.core
    dialog = CompareDialog(core.task_records(task_ids), context.parent, core.results.scalars_of)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a child of the window: freed when closed
    dialog.show()
    return dialog


TASK_ACTIONS = (
    TaskAction("details", "Details", details, multi=False, activates=True),
    TaskAction("clone", "Clone…", clone, shortcut="Ctrl+D", multi=False, toolbar=True, creates=True),
    TaskAction("sweep", "Sweep…", sweep, multi=False, creates=True),
    TaskAction("enqueue", "Enqueue…", enqueue, Operation.ENQUEUE, "Ctrl+E", toolbar=True, owner_verb="enqueue"),
    TaskAction("retry", "Retry", each(lambda lifecycle: lifecycle.retry), Operation.RETRY, "Ctrl+Shift+R",
               toolbar=True, owner_verb="retry"),
    TaskAction("dequeue", "Dequeue", each(lambda lifecycle: lifecycle.dequeue), Operation.DEQUEUE,
               owner_verb="dequeue"),
    TaskAction("abort", "Abort", each(lambda lifecycle: lifecycle.abort), Operation.ABORT, "Ctrl+.", confirm=True,
               toolbar=True, owner_verb="abort"),
    TaskAction("reset", "Reset", each(lambda lifecycle: lifecycle.reset), Operation.RESET, confirm=True,
               owner_verb="reset"),
    TaskAction("publish", "Publish", each(lambda lifecycle: lifecycle.publish), Operation.PUBLISH,
               owner_verb="publish"),
    TaskAction("archive", "Archive", each(lambda lifecycle: lifecycle.archive), Operation.ARCHIVE,
               owner_verb="archive"),
    TaskAction("restore", "Restore", each(lambda lifecycle: lifecycle.restore), Operation.RESTORE,
               owner_verb="restore"),
    TaskAction("delete", "Delete", each(lambda lifecycle: lifecycle.delete), Operation.DELETE, "Del", confirm=True,
               owner_verb="delete"),
    TaskAction("add_tag", "Add tag…", add_tag, shortcut="Ctrl+T", owner_verb="tag"),
    TaskAction("move", "Move to project…", move, shortcut="Ctrl+M", owner_verb="move"),
    TaskAction("copy_id", "Copy ID", copy_id, shortcut="Ctrl+Shift+C"),
    TaskAction("compare", "Compare", compare, shortcut="Ctrl+Shift+M", min_selected=2, toolbar=True),
)
# A running task's entry in the tray's menu offers these beside its console.
TRAY_ACTIONS = tuple(action for action in TASK_ACTIONS if action.id in ("abort", "copy_id"))
