"""Optuna's study of a sweep kept in TaskTune's database: a JournalStorage over the sweep_journal table.

Not RDBStorage: that keeps its own `alembic_version` table, which would clash with ours in the same database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from optuna.storages.journal import BaseJournalBackend

from tasktune_gui.core.api import Core


class SweepJournal(BaseJournalBackend):
    """One sweep's operations, in the order they were appended; only that sweep's run appends to it."""

    def __init__(self, core: Core, sweep_id: str) -> None:
        self.core = core
        self.sweep_id = sweep_id

    def read_logs(self, log_number_from: int) -> Iterable[dict[str, Any]]:
        return self.core.sweeps.read_journal(self.sweep_id, log_number_from)

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        self.core.sweeps.append_journal(self.sweep_id, logs)
