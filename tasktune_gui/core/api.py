"""The Core: one opened database with every service over it, shared by the CLI, window and workers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tasktune_gui.core.editing import TaskEditor
from tasktune_gui.core.events import ChangeBus
from tasktune_gui.core.history import events, last_person_event
from tasktune_gui.core.lifecycle import Lifecycle
from tasktune_gui.core.lookup import get_task
from tasktune_gui.core.overview import Overview
from tasktune_gui.core.queues import QueueService, ensure_default_queue
from tasktune_gui.core.records import TaskRecord, read_records
from tasktune_gui.core.registry import ModelRegistry, ProjectService, WorkerRegistry
from tasktune_gui.core.results import ResultStore
from tasktune_gui.core.serialize import iso, task_to_dict
from tasktune_gui.core.settings import default_db_url
from tasktune_gui.core.slurm_jobs import SlurmJobs
from tasktune_gui.core.store import Store
from tasktune_gui.core.sweeps.service import SweepService, sweep_json
from tasktune_gui.core.tasks import TaskService


class Core:
    """Services over one Store and one ChangeBus; pass it in, never reach for a global."""

    def __init__(self, store: Store, events: ChangeBus | None = None) -> None:
        self.store = store
        self.events = events or ChangeBus()
        store.after_commit = self.events.publish_all
        self.tasks = TaskService(store, self.events)
        self.editor = TaskEditor(store, self.events)
        self.lifecycle = Lifecycle(store, self.events)
        self.queues = QueueService(store, self.events)
        self.projects = ProjectService(store, self.events)
        self.models = ModelRegistry(store, self.events)
        self.workers = WorkerRegistry(store, self.events)
        self.results = ResultStore(store, self.events)
        self.sweeps = SweepService(store, self.events)
        self.slurm = SlurmJobs(store, self.events)
        self.overview = Overview(store)
        if not store.read_only:  # a database on a read-only disk is only read
            with store.write() as session:
                ensure_default_queue(session)

    @classmethod
    def open(cls, url: str | None = None) -> Core:
        return cls(Store(url or default_db_url()))

    def task_json(self, task_id: str, with_history: bool = False) -> dict[str, Any]:
        """The task's record as `show --json` prints it; `with_history`: and who did what, newest first."""
        with self.store.read() as session:
            record = task_to_dict(session, get_task(session, task_id))
            if record["type"] == "optimizer":
                record["sweep"] = sweep_json(session, record["id"])
            if with_history:
                record["history"] = [{"action": e.action, "by": e.actor, "time": iso(e.time), "status": e.status}
                                     for e in events(session, record["id"])]
            return record

    def last_change(self, task_id: str) -> str:
        """INFO's line: 'aborted by bob at 14:02' (empty when nothing is recorded)."""
        with self.store.read() as session:
            event = last_person_event(session, task_id)
        return event.describe() if event is not None else ""

    def task_record(self, task_id: str, with_history: bool = False) -> TaskRecord:
        """One task's whole record (an id or its unique prefix); `with_history`: and who did what, newest first."""
        with self.store.read() as session:
            full_id = get_task(session, task_id).id
            record = read_records(session, [full_id])[0]
            return replace(record, history=tuple(events(session, full_id))) if with_history else record

    def task_records(self, task_ids: Sequence[str]) -> list[TaskRecord]:
        """Whole records of many tasks (full ids) in a fixed number of queries; ids of no task are left out."""
        with self.store.read() as session:
            return read_records(session, task_ids)

    def close(self) -> None:
        self.store.close()
