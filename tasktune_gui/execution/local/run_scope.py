"""Every process one local run started, even those that left its session: a cgroup, else a marker in the environment."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import secrets
import signal
import threading
import time
from functools import cache
from pathlib import Path

import psutil

log = logging.getLogger(__name__)
# Carried by every process of a run (children inherit it): found by a scan where no cgroup can hold the run.
RUN_MARKER = "TASKTUNE_RUN"
CGROUP_PREFIX = "tasktune-run-"
# Too short for the pids to wrap around (a machine forks far fewer than pid_max processes a second).
SHORT_RUN_S = 1.0
MAX_POOLED = 16  # empty cgroups kept for the next runs: more than any worker's slots


@cache
def cgroup_root() -> Path | None:
    """This process's own cgroup v2 folder when it can hold child cgroups we may create (root, or delegated).
    Read once: the mount table and the worker's own cgroup stay as they are, and reading them was a third of
    a run's tracking."""
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
        own = next(line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines() if line.startswith("0::"))
    except (OSError, StopIteration):
        return None
    for mount in mounts:
        fields = mount.split()
        if len(fields) > 2 and fields[2] == "cgroup2":
            folder = Path(fields[1]) / own.lstrip("/")
            if os.access(folder, os.W_OK) and (folder / "cgroup.procs").exists():
                return folder
    return None


class RunScope:
    """Tracks one run's processes: `adopt` the first process; `end` whatever is left, with a grace period."""

    def __init__(self, use_cgroup: bool = True) -> None:
        self.marker = secrets.token_hex(8)
        self.cgroup: Path | None = None
        # The processes before the run: none of them carries its marker (see _marked).
        self._started = time.monotonic()
        self._last_pid = _last_pid()
        self._older = _pids()
        root = cgroup_root() if use_cgroup else None
        if root is not None:
            self.cgroup = CGROUPS.take(root)

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        return {**env, RUN_MARKER: self.marker}

    def adopt(self, pid: int) -> None:
        """Move the first process into the run's cgroup. It has just been exec'd: what it starts follows it."""
        if self.cgroup is None:
            return
        try:
            (self.cgroup / "cgroup.procs").write_text(str(pid))
        except OSError as exc:  # it has exited already, or the move is refused: the marker scan remains
            log.debug("could not move %s into %s: %s", pid, self.cgroup, exc)

    def members(self, exclude: int | None = None) -> list[psutil.Process]:
        """The run's live processes: its cgroup's, and any carrying its marker (one the cgroup missed)."""
        # Both, always: the first process is adopted just after it starts, and under load it may fork before that;
        # what it forked stays outside the cgroup but carries the marker.
        pids = self._marked()
        if self.cgroup is not None:
            with contextlib.suppress(OSError):
                pids.update(int(pid) for pid in (self.cgroup / "cgroup.procs").read_text().split())
        pids.discard(exclude or 0)
        found: list[psutil.Process] = []
        for pid in sorted(pids):
            with contextlib.suppress(psutil.Error):
                process = psutil.Process(pid)
                if process.status() != psutil.STATUS_ZOMBIE:
                    found.append(process)
        return found

    def _marked(self) -> set[int]:
        wanted = f"{RUN_MARKER}={self.marker}".encode()
        candidates = _pids()
        # A short run's processes are the ones that were not there before it: reading every process's environment
        # costs a short task's run more than its tracking, on a lab machine with a thousand processes. Skipped only
        # where an older pid cannot have been reused meanwhile: pids wrapped, or a long run, and all are read.
        last = _last_pid()
        if time.monotonic() - self._started < SHORT_RUN_S and self._last_pid <= last:
            candidates -= self._older
        candidates.discard(os.getpid())
        pids: set[int] = set()
        for pid in candidates:
            try:
                with open(f"/proc/{pid}/environ", "rb") as handle:
                    if wanted in handle.read().split(b"\0"):
                        pids.add(pid)
            except OSError:  # gone, or another user's
                continue
        return pids

    def end(self, grace: float, exclude: int | None = None) -> list[str]:
        """SIGTERM what is left of the run, SIGKILL what outlives `grace`; says what was ended, one per process."""
        left = self.members(exclude)
        if not left:
            return []
        ended = [(process.pid, describe(process)) for process in left]
        for process in left:
            with contextlib.suppress(psutil.Error):
                process.send_signal(signal.SIGTERM)
        _, alive = psutil.wait_procs(left, timeout=grace)
        alive.extend(process for process in self.members(exclude) if process not in alive)  # forked meanwhile
        if alive:
            if self.cgroup is not None and (self.cgroup / "cgroup.kill").exists():
                with contextlib.suppress(OSError):
                    (self.cgroup / "cgroup.kill").write_text("1")
            for process in alive:
                with contextlib.suppress(psutil.Error):
                    process.kill()
            psutil.wait_procs(alive, timeout=5)
        killed = {process.pid for process in alive}
        hard = f"killed after {grace:g} s"
        return [f"{text} ({hard if pid in killed else 'ended by SIGTERM'})" for pid, text in ended]

    def close(self) -> None:
        """Give the run's cgroup back for the next run once it is empty (else it is removed when it can be)."""
        if self.cgroup is not None:
            CGROUPS.give(self.cgroup)


class CgroupPool:
    """Empty run cgroups kept for the next runs, removed when the process exits: the kernel makes a cgroup's
    mkdir and rmdir wait (a tenth of the runs waited 10-20 ms here), on the path of every short task."""

    def __init__(self, keep: int = MAX_POOLED) -> None:
        self.keep = keep
        self._free: list[Path] = []
        self._lock = threading.Lock()
        self._owner = os.getpid()  # a forked child that exits normally leaves its parent's pool alone
        atexit.register(self.clear)

    def take(self, root: Path) -> Path | None:
        with self._lock:
            if self._free:
                return self._free.pop()
        folder = root / f"{CGROUP_PREFIX}{secrets.token_hex(8)}"
        try:
            folder.mkdir()
        except OSError as exc:  # not delegated to us, a read-only mount: the marker scan remains
            log.debug("no cgroup for runs here: %s", exc)
            return None
        return folder

    def give(self, folder: Path) -> None:
        try:
            empty = not (folder / "cgroup.procs").read_text().strip()
        except OSError:  # removed meanwhile
            return
        with self._lock:
            if empty and len(self._free) < self.keep:
                self._free.append(folder)
                return
        with contextlib.suppress(OSError):  # a process that outlived its SIGKILL keeps it until it goes
            folder.rmdir()

    def clear(self) -> None:
        if os.getpid() != self._owner:
            return
        with self._lock:
            free, self._free = self._free, []
        for folder in free:
            with contextlib.suppress(OSError):
                folder.rmdir()


CGROUPS = CgroupPool()


def _pids() -> set[int]:
    try:
        return {int(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit()}
    except OSError:  # no /proc: nothing to scan
        return set()


def _last_pid() -> int:
    """The pid the kernel gave last (it only grows until it wraps); 0 where /proc does not say."""
    try:
        with open("/proc/sys/kernel/ns_last_pid", "rb") as handle:
            return int(handle.read())
    except (OSError, ValueError):
        return 0


def describe(process: psutil.Process) -> str:
    try:
        command = " ".join(process.cmdline())[:200] or process.name()
    except psutil.Error:
        command = "?"
    return f"pid {process.pid}: {command}"
