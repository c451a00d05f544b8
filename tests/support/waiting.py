"""The one condition wait of the tests: re-check real state until it holds, never a fixed sleep."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.wakeup import Wakeup


def wait_until(condition: Callable[[], Any], timeout: float = 30.0, what: str = "condition", *,
               core: Core | None = None) -> Any:
    """Returns the condition's first true value. With `core`, re-checks on every database commit (ours or another
    process's); without, every 20 ms, for state no commit announces (a thread's flag, a file)."""
    wakeup = Wakeup(core) if core is not None else None
    idle = threading.Event()
    try:
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"timed out waiting for {what}")
            if wakeup is not None:
                wakeup.wait(min(left, 0.5))
            else:
                idle.wait(min(left, 0.02))
    finally:
        if wakeup is not None:
            wakeup.close()


def wait_for(core: Core, predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """`wait_until(predicate, core=core)`, in the argument order the execution tests call it with."""
    return wait_until(predicate, timeout, what, core=core)
