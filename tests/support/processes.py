"""Looking at real processes from a test: whether one has ended, the live members of a process group."""

from __future__ import annotations

import os

import psutil


def group_alive(group: int) -> set[int]:
    """Live members of a process group (zombies left to an init that does not reap do not count)."""
    alive = set()
    for process in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(process.pid) == group and process.info["status"] != psutil.STATUS_ZOMBIE:
                alive.add(process.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    return alive


def gone(pid: int) -> bool:
    """The process has ended (a zombie its parent has not reaped yet counts as ended)."""
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True
