"""Task statuses, the allowed transitions and which operations each status enables."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    RUNNING = "running"
    ABORTED = "aborted"
    COMPLETED = "completed"
    FAILED = "failed"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class TaskType(StrEnum):
    TRAINING = "training"
    TESTING = "testing"
    INFERENCE = "inference"
    DATA_PROCESSING = "data_processing"
    APPLICATION = "application"
    OPTIMIZER = "optimizer"
    CUSTOM = "custom"


class Operation(StrEnum):
    """Lifecycle operations a person, the CLI or a worker can ask for."""

    ENQUEUE = "enqueue"
    RETRY = "retry"
    DEQUEUE = "dequeue"
    ABORT = "abort"
    RESET = "reset"
    PUBLISH = "publish"
    DELETE = "delete"
    START = "start"  # a worker picks a pending task
    RUN_DIRECT = "run"  # a plain script run with the SDK, outside any queue
    COMPLETE = "complete"
    FAIL = "fail"
    MARK_ABORTED = "mark aborted"  # the worker's end of a running task's abort
    ARCHIVE = "archive"  # hides a task, whatever its status
    RESTORE = "restore"  # shows an archived task again


D, P, R, A, C, F, PUB = (
    Status.DRAFT,
    Status.PENDING,
    Status.RUNNING,
    Status.ABORTED,
    Status.COMPLETED,
    Status.FAILED,
    Status.PUBLISHED,
)

# Every status change the lifecycle allows; anything else is refused.
TRANSITIONS: frozenset[tuple[Status, Status]] = frozenset(
    {
        (D, P),
        (D, R),
        (P, R),
        (P, A),
        (P, D),
        (P, F),
        (R, C),
        (R, F),
        (R, A),
        (R, P),  # a Slurm job requeued (preempted): its task waits again, to run from the start
        (A, D),
        (A, P),
        (A, PUB),
        (F, D),
        (F, P),
        (F, PUB),
        (C, D),
        (C, PUB),
    }
)

# The statuses from which each operation may start.
ENABLED_FOR: dict[Operation, frozenset[Status]] = {
    Operation.ENQUEUE: frozenset({D, A, F}),
    Operation.RETRY: frozenset({F}),
    Operation.DEQUEUE: frozenset({P}),
    Operation.ABORT: frozenset({P, R}),
    Operation.RESET: frozenset({A, C, F}),
    Operation.PUBLISH: frozenset({A, C, F}),
    Operation.DELETE: frozenset({D}),  # or an archived task that is not queued or running; see `allows`
    Operation.START: frozenset({P}),
    Operation.RUN_DIRECT: frozenset({D}),
    Operation.COMPLETE: frozenset({R}),
    Operation.FAIL: frozenset({R}),
    Operation.MARK_ABORTED: frozenset({R}),
}

# Fields grouped by who may edit them and when.
DRAFT_ONLY = frozenset({D})
NOT_PUBLISHED = frozenset(set(Status) - {PUB})


def can_transition(old: Status, new: Status) -> bool:
    return (old, new) in TRANSITIONS


def is_enabled(operation: Operation, status: Status) -> bool:
    return status in ENABLED_FOR[operation]


# Operations on the archived flag rather than the status: the flag each one starts from.
ARCHIVED_BEFORE: dict[Operation, bool] = {Operation.ARCHIVE: False, Operation.RESTORE: True}


def allows(operation: Operation, status: Status, archived: bool) -> bool:
    """Whether a task in `status`, archived or not, may take the operation (what the window enables)."""
    if operation in ARCHIVED_BEFORE:
        return archived == ARCHIVED_BEFORE[operation]
    if operation is Operation.DELETE and archived:
        return status not in (P, R)
    return status in ENABLED_FOR[operation]


def describe_statuses(statuses: frozenset[Status]) -> str:
    """'Draft, Aborted or Failed' in the order of the Status enum."""
    labels = [s.label for s in Status if s in statuses]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]
