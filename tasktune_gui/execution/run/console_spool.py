"""A running task's console on its way to the database, kept locally (memory, then a file) while it is away."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from datetime import datetime, timedelta
from pathlib import Path

from tasktune_gui.core.models import utcnow
from tasktune_gui.core.results import ResultStore
from tasktune_gui.core.retry import Backoff, is_disconnect
from tasktune_gui.execution.run.console import Line

log = logging.getLogger(__name__)
# Past this much unsaved text in memory, further batches go to a file beside the run.
MEMORY_BYTES = 16 << 20
TICK = timedelta(microseconds=1)

Batch = tuple[datetime, list[Line]]


class ConsoleSpool:
    """The console capture's sink: writes each batch at once, or keeps it in order until the database is back.

    Every batch carries its own time stamp, kept across retries; after a failed write the spool asks whether
    that stamped batch reached the database before writing it again, so a commit whose answer was lost is
    not written twice.
    """

    def __init__(self, results: ResultStore, task_id: str, spill_path: Path,
                 memory_bytes: int = MEMORY_BYTES) -> None:
        self.results = results
        self.task_id = task_id
        self.spill_path = spill_path
        self.memory_bytes = memory_bytes
        self._memory: deque[Batch] = deque()
        self._memory_size = 0
        self._spilled = 0  # batches in the file not yet written
        self._spill_offset = 0  # where the first of them starts
        self._uncertain = False  # the last write failed: it may or may not have committed
        self._last_stamp: datetime | None = None
        self._backoff = Backoff()
        self._next_try = 0.0
        self._lock = threading.Lock()
        self.written = 0  # lines in the database
        self.spilled_ever = False

    @property
    def pending(self) -> int:
        """Batches not yet in the database."""
        with self._lock:
            return len(self._memory) + self._spilled

    def __call__(self, batch: list[Line]) -> int:
        with self._lock:
            self._keep(self._stamp(), batch)
            if time.monotonic() >= self._next_try:
                self._flush()
        return len(batch)

    def drain(self, stop: threading.Event | None = None) -> bool:
        """Write everything kept, waiting with backoff while the database is away; False if `stop` came first."""
        while True:
            with self._lock:
                if self._flush():
                    return True
                delay = self._backoff.delay
            if (stop or threading.Event()).wait(delay):
                return False

    def stamp(self) -> datetime:
        """A stamp for a batch written elsewhere (with the run's end): after, and unlike, every batch here."""
        with self._lock:
            return self._stamp()

    def _stamp(self) -> datetime:
        stamp = utcnow()
        if self._last_stamp is not None and stamp <= self._last_stamp:
            stamp = self._last_stamp + TICK  # batch stamps identify batches: never two alike
        self._last_stamp = stamp
        return stamp

    def _keep(self, stamp: datetime, batch: list[Line]) -> None:
        size = sum(len(text) for _stream, text in batch)
        if self._spilled or self._memory_size + size > self.memory_bytes:
            # Once anything is in the file, later batches follow it there, so the order is kept.
            record = {"at": stamp.isoformat(), "lines": batch}
            with self.spill_path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
            self._spilled += 1
            self.spilled_ever = True
            return
        self._memory.append((stamp, batch))
        self._memory_size += size

    def _head(self) -> Batch | None:
        if self._memory:
            return self._memory[0]
        if not self._spilled:
            return None
        with self.spill_path.open("r", encoding="utf-8") as handle:
            handle.seek(self._spill_offset)
            record = json.loads(handle.readline())
        return datetime.fromisoformat(record["at"]), [(stream, text) for stream, text in record["lines"]]

    def _drop_head(self) -> None:
        if self._memory:
            _stamp, batch = self._memory.popleft()
            self._memory_size -= sum(len(text) for _stream, text in batch)
            return
        with self.spill_path.open("r", encoding="utf-8") as handle:
            handle.seek(self._spill_offset)
            handle.readline()
            self._spill_offset = handle.tell()
        self._spilled -= 1
        if not self._spilled:
            self.spill_path.unlink(missing_ok=True)
            self._spill_offset = 0

    def _flush(self) -> bool:
        """Write kept batches oldest first; True when none is left."""
        while (head := self._head()) is not None:
            stamp, lines = head
            try:
                if not (self._uncertain and self.results.console_batch_stored(self.task_id, stamp, len(lines))):
                    self.results.append_console(self.task_id, lines, at=stamp)
            except Exception as exc:
                if not is_disconnect(exc):
                    self._uncertain = False
                    self._drop_head()  # the task is gone, or the lines cannot be stored: nothing to wait for
                    raise
                if self._backoff.failures == 0:
                    log.warning("task %s: database unreachable; keeping its console here", self.task_id)
                self._uncertain = True
                self._next_try = time.monotonic() + self._backoff.next_delay()
                return False
            self._uncertain = False
            self._backoff.reset()
            self.written += len(lines)
            self._drop_head()
        return True
