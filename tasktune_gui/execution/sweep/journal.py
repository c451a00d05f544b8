"""Optuna's study of a sweep kept in TaskTune's database: a JournalStorage over the sweep_journal table.

Not RDBStorage: that keeps its own `alembic_version` table, which would clash with ours in the same database.
Operations wait in memory until the sweep writes them in the transaction that acts on them (the trial's launch,
its outcome): a trial is in the study exactly when it is launched, and an ask costs no write of its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from optuna.storages.journal import BaseJournalBackend

from tasktune_gui.core.api import Core


class SweepJournal(BaseJournalBackend):
    """One sweep's operations in order; only that sweep's one run appends to it, so what is stored is read once."""

    def __init__(self, core: Core, sweep_id: str) -> None:
        self.core = core
        self.sweep_id = sweep_id
        self._stored: list[dict[str, Any]] | None = None  # read on first use, then kept as written
        self._pending: list[dict[str, Any]] = []

    def read_logs(self, log_number_from: int) -> Iterable[dict[str, Any]]:
        if self._stored is None:
            self._stored = self.core.sweeps.read_journal(self.sweep_id, 0)
        return (self._stored + self._pending)[log_number_from:]

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        self._pending.extend(logs)

    def take_pending(self) -> list[dict[str, Any]]:
        """The operations to write now; call `written` once their transaction has committed."""
        return list(self._pending)

    def written(self, count: int) -> None:
        if self._stored is None:
            self._stored = self.core.sweeps.read_journal(self.sweep_id, 0)
        else:
            self._stored.extend(self._pending[:count])
        del self._pending[:count]

    def flush(self) -> None:
        pending = self.take_pending()
        if pending:
            self.core.sweeps.append_journal(self.sweep_id, pending)
            self.written(len(pending))
