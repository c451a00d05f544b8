"""Workers keep a long-lived database small: old change records go, the kept task counts are folded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.counts import read_counts
from tasktune_gui.core.models import ChangeRecord, utcnow
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.lifecycle import new_task
from tests.support.waiting import wait_for


def records_and_count_rows(core: Core) -> tuple[int, int]:
    with core.store.read() as session:
        records = session.exec(select(func.count()).select_from(ChangeRecord)).one()
        return records, read_counts(session)[1]


def test_a_running_worker_prunes_old_change_records_and_folds_counts(sqlite_core: Core,
                                                                     worker_config: WorkerConfig) -> None:
    task = new_task(sqlite_core, "t", details=False)
    for _ in range(3):
        sqlite_core.lifecycle.enqueue(task, "default")
        sqlite_core.lifecycle.dequeue(task)
    with sqlite_core.store.write() as session:  # written two hours ago, as far as anyone can tell
        session.execute(update(ChangeRecord).values(time=utcnow() - timedelta(hours=2)))
    records, rows = records_and_count_rows(sqlite_core)
    assert records > 0 and rows > 1
    worker_config.queues = ["nobody-enqueues-here"]
    worker_config.upkeep_every = 0.05
    worker = Worker(sqlite_core, worker_config)
    worker.start()
    try:
        # What remains is the worker's own records (registering, its queue): none older than an hour.
        wait_for(sqlite_core, lambda: records_and_count_rows(sqlite_core)[1] == 1, what="counts folded")
        with sqlite_core.store.read() as session:
            old = session.exec(select(func.count()).select_from(ChangeRecord)
                               .where(col(ChangeRecord.time) < utcnow() - timedelta(hours=1))).one()
        assert old == 0
    finally:
        worker.stop()
    assert sqlite_core.projects.summaries()[0].counts == {"draft": 1}
