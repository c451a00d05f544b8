"""Console capture: lines read from a task's pipes, progress bars folded, stored in batches by one writer thread."""

from __future__ import annotations

import math
import os
import selectors
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import IO

Line = tuple[str, str]  # (stream, text)
BatchSink = Callable[[list[Line]], object]

FLUSH_INTERVAL_S = 0.1
MAX_BATCH = 20_000
# Past this many unsaved lines the readers wait, so the child slows down instead of memory growing.
MAX_BACKLOG = 200_000
KEPT_STDERR_LINES = 20
READ_CHUNK = 1 << 16


def fold_carriage_returns(text: str) -> str:
    """What a terminal would show for a line redrawn with '\\r': its last non-empty state."""
    if "\r" not in text:
        return text
    states = [part for part in text.split("\r") if part]  # "100%\r" then "\n" leaves an empty tail
    return states[-1] if states else ""


def split_lines(data: bytes) -> list[str]:
    """Complete lines (without their final newline) as text, each folded to its last redrawn state."""
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if "\r" in text:
        lines = [fold_carriage_returns(line) for line in lines]
    return lines


def store_time(now: float, stored_at: float, interval: float) -> float:
    """When lines that came at `now` are stored: at once after a quiet interval (a run's first lines among them),
    else at the next tick of a clock that ticks every interval. The clock is not set by the lines, so a task that
    prints on the interval's beat does not find every other line just missing its batch."""
    if now - stored_at >= interval:
        return now
    return math.ceil(now / interval) * interval


class ConsoleCapture:
    """Collects lines from reader threads and hands them to `sink`: at once after a quiet spell, else once an
    interval (~100 ms, see `store_time`) or every MAX_BATCH lines."""

    def __init__(self, sink: BatchSink, interval: float = FLUSH_INTERVAL_S) -> None:
        self._sink = sink
        self._interval = interval
        self._pending: list[Line] = []
        self._cond = threading.Condition()
        self._closed = False
        self._readers: list[threading.Thread] = []
        self.last_stderr: deque[str] = deque(maxlen=KEPT_STDERR_LINES)
        self.stored = 0
        self.errors: list[BaseException] = []
        # Started by the first lines: a task that prints nothing costs no thread (a start waits for the GIL).
        self._writer: threading.Thread | None = None

    def read(self, pipes: dict[str, IO[bytes]]) -> None:
        """Start one thread reading the pipes (by stream name) line by line until they all close."""
        thread = threading.Thread(target=self._read_loop, args=(pipes,), name="console-reader", daemon=True)
        self._readers.append(thread)
        thread.start()

    def add(self, stream: str, texts: list[str]) -> None:
        with self._cond:
            while len(self._pending) >= MAX_BACKLOG and not self._closed:
                self._cond.wait(0.5)
            if self._writer is None and not self._closed:
                self._writer = threading.Thread(target=self._write_loop, name="console-writer", daemon=True)
                self._writer.start()
            quiet = not self._pending  # the writer waits for lines: these wake it (not each chunk of a flood)
            self._pending.extend([(stream, text) for text in texts])
            if stream == "stderr":
                self.last_stderr.extend(texts)
            if quiet or len(self._pending) >= MAX_BATCH:
                self._cond.notify_all()

    def _read_loop(self, pipes: dict[str, IO[bytes]]) -> None:
        # Whole chunks as they come, split into lines at once: a lock and a decode per line would halve the rate.
        streams = {pipe.fileno(): (stream, pipe) for stream, pipe in pipes.items()}
        carry = dict.fromkeys(streams, b"")
        try:
            with selectors.DefaultSelector() as selector:
                for fd in streams:
                    selector.register(fd, selectors.EVENT_READ)
                while selector.get_map():
                    for key, _ in selector.select():
                        chunk = os.read(key.fd, READ_CHUNK)
                        if not chunk:
                            selector.unregister(key.fd)
                            continue
                        data = carry[key.fd] + chunk
                        end = data.rfind(b"\n")
                        if end < 0:
                            carry[key.fd] = data
                            continue
                        carry[key.fd] = data[end + 1 :]
                        self.add(streams[key.fd][0], split_lines(data[:end]))
        except (OSError, ValueError):  # a pipe was closed under us when the run was abandoned
            pass
        finally:
            for fd, (stream, pipe) in streams.items():
                if carry[fd]:
                    self.add(stream, split_lines(carry[fd]))
                pipe.close()

    def join_readers(self, timeout: float) -> bool:
        """Wait for the pipes to close; False when something (an orphan holding the pipe) kept one open."""
        deadline = time.monotonic() + timeout
        for thread in self._readers:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._readers)

    def _take(self) -> list[Line]:
        batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
        self._cond.notify_all()
        return batch

    def _write_loop(self) -> None:
        stored_at = -math.inf
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                due = store_time(time.monotonic(), stored_at, self._interval)
                while (not self._closed and len(self._pending) < MAX_BATCH
                       and (left := due - time.monotonic()) > 0):
                    self._cond.wait(left)
                batch = self._take()
                done = self._closed and not self._pending
            if batch:
                self._store(batch)
                stored_at = time.monotonic()
            if done:
                return

    def _store(self, batch: list[Line]) -> None:
        try:
            self._sink(batch)
            self.stored += len(batch)
        except Exception as exc:  # keep reading the pipes; a lost batch must not hang the child
            self.errors.append(exc)

    def close(self) -> None:
        """Store everything still pending and stop the writer."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            writer, batch = self._writer, [] if self._writer is not None else self._take()
        if writer is not None:
            writer.join()
        elif batch:  # lines added once closing began, with no writer to store them
            self._store(batch)
