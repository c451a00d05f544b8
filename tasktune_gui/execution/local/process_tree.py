"""Stopping a task's whole process tree: SIGTERM to its session and every descendant, SIGKILL after a grace period."""

from __future__ import annotations

import contextlib
import os
import signal

import psutil


def descendants(pid: int) -> list[psutil.Process]:
    """Children and grandchildren, including ones that left the session with setsid."""
    try:
        return list(psutil.Process(pid).children(recursive=True))
    except psutil.Error:
        return []


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _signal_all(processes: list[psutil.Process], sig: int) -> None:
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.send_signal(sig)


def terminate_tree(pid: int, grace: float, extra: list[psutil.Process] | None = None) -> None:
    """SIGTERM the process group `pid` leads (start_new_session) and all descendants; SIGKILL whoever outlives
    `grace` seconds. Descendants are listed before signalling, since an orphan is reparented away from us."""
    tree: list[psutil.Process] = []
    with contextlib.suppress(psutil.Error):
        tree.append(psutil.Process(pid))
    tree.extend(descendants(pid))
    tree.extend(extra or [])
    _signal_group(pid, signal.SIGTERM)
    _signal_all(tree, signal.SIGTERM)
    _, alive = psutil.wait_procs(tree, timeout=grace)
    # Children forked during the grace period are in the group or below a survivor.
    for process in list(alive):
        alive.extend(descendants(process.pid))
    _signal_group(pid, signal.SIGKILL)
    _signal_all(alive, signal.SIGKILL)
    psutil.wait_procs(alive, timeout=5)


def kill_leftovers(pid: int) -> None:
    """After the main process exits: its group may still hold helpers (and our pipes); they end with the task."""
    _signal_group(pid, signal.SIGKILL)
