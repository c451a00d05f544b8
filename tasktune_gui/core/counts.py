"""Unarchived task counts per project and status, read from the rows triggers keep (migration 0005)."""

from __future__ import annotations

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from tasktune_gui.core.models import TaskCount
from tasktune_gui.core.store import Store

# Past this many rows a read folds them into one per project and status. Each status change appends two rows,
# so this is a few thousand task starts and ends; summing this many takes about a millisecond.
COMPACT_AT = 5_000


def read_counts(session: Session) -> tuple[dict[int, dict[str, int]], int]:
    """project id → status → number of unarchived tasks, and how many rows were summed for it."""
    counts: dict[int, dict[str, int]] = {}
    rows = 0
    for project_id, status, number, parts in session.exec(
        select(TaskCount.project_id, TaskCount.status, func.sum(TaskCount.n), func.count())
        .group_by(col(TaskCount.project_id), col(TaskCount.status))
    ).all():
        rows += parts
        if number:
            counts.setdefault(project_id, {})[status] = int(number)
    return counts, rows


def compact(store: Store) -> None:
    """Fold the rows into one per project and status, in one transaction.

    One DELETE ... RETURNING both takes the rows and says what they held, so a row another transaction adds
    meanwhile (PostgreSQL) is either folded or left as it is, never lost or counted twice."""
    with store.write() as session:
        taken = session.execute(delete(TaskCount).returning(
            col(TaskCount.project_id), col(TaskCount.status), col(TaskCount.n))).all()
        totals: dict[tuple[int, str], int] = {}
        for project_id, status, number in taken:
            totals[(project_id, status)] = totals.get((project_id, status), 0) + number
        kept = [{"project_id": p, "status": s, "n": n} for (p, s), n in totals.items() if n]
        if kept:
            session.execute(insert(TaskCount), kept)
