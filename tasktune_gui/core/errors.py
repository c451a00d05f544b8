"""Typed errors of the core, each with a message a researcher understands."""

from __future__ import annotations


class TaskTuneError(Exception):
    """Base of every refusal the core makes; the message is shown as it is."""


class NotFound(TaskTuneError):
    """Something named by id or name does not exist."""


class TaskNotFound(NotFound):
    def __init__(self, task_id: str, detail: str = "") -> None:
        super().__init__(f"no task with id '{task_id}'{detail}")
        self.task_id = task_id


class ProjectNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"no project named '{name}'")
        self.name = name


class QueueNotFound(NotFound):
    def __init__(self, name: str, existing: list[str]) -> None:
        names = ", ".join(existing) if existing else "none"
        super().__init__(f"no queue named '{name}' (queues: {names})")
        self.name = name
        self.existing = existing


class ModelNotFound(NotFound):
    def __init__(self, model_id: str) -> None:
        super().__init__(f"no model with id '{model_id}'")
        self.model_id = model_id


class InvalidTransition(TaskTuneError):
    """A lifecycle operation the status table does not allow from the task's status."""

    def __init__(self, task_id: str, operation: str, status: str, allowed: str = "") -> None:
        hint = f"; {operation} is allowed for {allowed}" if allowed else ""
        super().__init__(f"cannot {operation} task {task_id}: it is {status}{hint}")
        self.task_id = task_id
        self.operation = operation
        self.status = status


class TaskNotEditable(TaskTuneError):
    """An edit of a field the task's status freezes."""

    def __init__(self, task_id: str, what: str, status: str, editable_in: str) -> None:
        super().__init__(
            f"cannot edit {what} of task {task_id}: it is {status} ({what} can be edited only in {editable_in})"
        )
        self.task_id = task_id
        self.status = status


class InvalidValue(TaskTuneError):
    """A value of the wrong form, such as a malformed --param."""


class DatabaseRefused(TaskTuneError):
    """A database the app will not open: not ours, or newer than the app."""


class CaptureError(TaskTuneError):
    """Reading a task's source from a git working copy failed."""


class NotAGitRepository(CaptureError):
    def __init__(self, path: str) -> None:
        super().__init__(f"'{path}' is not inside a git repository")
        self.path = path


class ScriptOutsideRepository(CaptureError):
    def __init__(self, script: str, root: str) -> None:
        super().__init__(f"script '{script}' is outside the repository at '{root}'")
        self.script = script
        self.root = root


class DiskFull(TaskTuneError):
    """A write refused because the disk holding the database has no room; the transaction was rolled back."""

    def __init__(self, path: str) -> None:
        super().__init__(f"the disk holding {path} is full; nothing was written (free some space and try again)")


class NotPermitted(TaskTuneError):
    """A change the acting user's lab role does not allow (said by the client, or by the database itself)."""


class RefusedWrite(NotPermitted, InvalidTransition):
    """A status change the lab's row-level security left out (the task is another's, or another login's run).
    It is an InvalidTransition too, so the code that lets a run that ended elsewhere go keeps doing so."""

    def __init__(self, message: str) -> None:
        TaskTuneError.__init__(self, message)
