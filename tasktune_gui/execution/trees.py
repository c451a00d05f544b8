"""Pristine checkouts per commit in the worker cache: made once by git, copied into each run's workspace."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

DEFAULT_MAX_BYTES = 5 * 1024**3
PARTIAL_TTL_S = 3600.0  # a tree half made by a worker that was killed is removed after this long


class TreeCache:
    """`root/<mirror>-<commit>`: a working copy with its .git (HEAD, index, alternates) that no task runs in.

    Each run gets a copy, so a commit run before costs no git process (a sixth of a no-op task's overhead).
    Several workers may share the folder: a tree is made under a temporary name and renamed into place, a copy
    holds a shared lock on the tree's lock file, and eviction skips a tree whose lock it cannot take at once."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes

    def copy(self, mirror: Path, commit: str, destination: Path, make: Callable[[Path], None]) -> None:
        """Copy the tree of `commit` to `destination` (which must not exist); `make(folder)` checks it out
        into a new folder when the cache does not hold it yet."""
        name = f"{mirror.stem}-{commit}"
        tree = self.root / name
        made = False
        with open(self.root / f"{name}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)  # eviction waits for no one: it skips a tree being copied
            if not tree.is_dir():
                self._make(tree, make)
                made = True
            _copy_tree(str(tree), str(destination))
            os.utime(tree)  # the folder's time is its last use: the tree itself is never written after
        if made:
            self.evict(keep=tree)

    def _make(self, tree: Path, make: Callable[[Path], None]) -> None:
        partial = tree.with_name(f"{tree.name}.{uuid.uuid4().hex}.partial")
        try:
            make(partial)
            (tree.with_name(f"{tree.name}.size")).write_text(str(_tree_size(partial)))
            try:
                os.rename(partial, tree)  # atomic: a copier sees the whole tree or none
            except OSError:
                if not tree.is_dir():  # not another worker's tree put there first
                    raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Remove least recently used trees until the cache fits in max_bytes, never one being copied."""
        entries: list[tuple[float, int, Path]] = []
        for entry in self.root.iterdir():
            if not entry.is_dir():
                continue
            if entry.suffix == ".partial":
                with contextlib.suppress(OSError):
                    if entry.stat().st_mtime < time.time() - PARTIAL_TTL_S:
                        shutil.rmtree(entry, ignore_errors=True)
                continue
            try:
                size = int(entry.with_name(f"{entry.name}.size").read_text())
                used = entry.stat().st_mtime
            except (OSError, ValueError):
                size, used = _tree_size(entry), 0.0
            entries.append((used, size, entry))
        total = sum(size for _, size, _ in entries)
        removed: list[Path] = []
        for _used, size, tree in sorted(entries, key=lambda entry: entry[0]):
            if total <= self.max_bytes:
                break
            if tree == keep:
                continue
            with open(tree.with_name(f"{tree.name}.lock"), "a") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a run is copying it
                shutil.rmtree(tree, ignore_errors=True)
            total -= size
            removed.append(tree)
        return removed


def _copy_tree(source: str, destination: str) -> None:
    """Files, modes and symlinks as they are; plain system calls, as copytree's per-file checks cost more
    than the copy of a small file."""
    os.mkdir(destination)
    with os.scandir(source) as entries:
        for entry in entries:
            target = os.path.join(destination, entry.name)
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            elif entry.is_dir():
                _copy_tree(entry.path, target)
            else:
                _copy_file(entry.path, target, entry.stat().st_mode)


def _copy_file(source: str, target: str, mode: int) -> None:
    reader = os.open(source, os.O_RDONLY)
    try:
        writer = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode & 0o777)
        try:
            size, offset = os.fstat(reader).st_size, 0
            while offset < size:
                sent = os.sendfile(writer, reader, offset, size - offset)
                if sent == 0:
                    break
                offset += sent
        finally:
            os.close(writer)
    finally:
        os.close(reader)


def _tree_size(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total
