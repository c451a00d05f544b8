"""What a long-lived database needs now and then: old change records removed, kept task counts folded."""

from __future__ import annotations

import time

from tasktune_gui.core.counts import compact
from tasktune_gui.core.feed import KEEP, prune_changes
from tasktune_gui.core.store import Store

UPKEEP_EVERY_S = 600.0


class Upkeep:
    """Run by every worker; cheap and safe when several workers run it at once (each step is one transaction)."""

    def __init__(self, store: Store, every: float = UPKEEP_EVERY_S) -> None:
        self.store = store
        self.every = every
        self._next = time.monotonic() + every

    def run_if_due(self) -> bool:
        if time.monotonic() < self._next:
            return False
        self._next = time.monotonic() + self.every
        self.run()
        return True

    def run(self) -> None:
        # Followers are seconds behind, never an hour: older change records are read by nobody.
        prune_changes(self.store, KEEP)
        compact(self.store)
