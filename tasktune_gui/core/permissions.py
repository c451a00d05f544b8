"""Who may do what to whose task in a lab: the client's mirror of the rules PostgreSQL enforces (core/lab.py).

The database is the authority; these checks exist so the window can grey what it would refuse and the CLI can
say why in one line, before a statement reaches rows that row-level security would silently leave out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasktune_gui.core.errors import NotPermitted
from tasktune_gui.core.users import Identity

if TYPE_CHECKING:
    from tasktune_gui.core.models import Task

# What a worker login may do: take tasks and report on the runs (the lifecycle's worker side needs no check).
READ_ONLY_ROLES = ("worker", "guest")


def refusal(identity: Identity, owner: str, action: str) -> str | None:
    """Why `identity` may not `action` ("abort", "edit"...) a task of `owner`; None when it may."""
    if identity.may_do_anything:
        return None
    if identity.role in READ_ONLY_ROLES:
        return f"{identity.user} is a lab {identity.role} login: it cannot {action} tasks"
    if owner == identity.user:
        return None
    return f"this task is {owner or 'nobody'}'s: only {owner or 'its owner'} or a lab admin may {action} it"


def check(identity: Identity, owner: str, action: str, task_id: str = "") -> None:
    """Raise NotPermitted when `identity` may not `action` the task `owner` made."""
    reason = refusal(identity, owner, action)
    if reason is not None:
        raise NotPermitted(f"cannot {action} task {task_id}: {reason}" if task_id else reason)


def check_create(identity: Identity) -> None:
    """Creating and cloning: any researcher or admin, never a worker."""
    if identity.role in READ_ONLY_ROLES:
        raise NotPermitted(f"{identity.user} is a lab {identity.role} login: it cannot create tasks")


def check_admin(identity: Identity, what: str) -> None:
    """Queue management and lab accounts: admins only."""
    if not identity.may_do_anything:
        raise NotPermitted(f"only a lab admin may {what} ({identity.user} is a lab {identity.role})")


def refused_status(task: Task, user: str, target: str) -> str:
    """The one line said when the database left a status change out: whose task it is, and whose run."""
    run = f", run by {task.claimed_by}" if task.status == "running" and task.claimed_by else ""
    return (f"not permitted: {user or 'this login'} may not move task {task.id} to {target}: "
            f"it is {task.user or 'nobody'}'s{run}")
