"""Pristine checkouts per commit in the worker cache: made once by git, copied into each run's workspace."""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from tasktune_gui.execution.cache.entries import evict_folders, tree_size

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
            (tree.with_name(f"{tree.name}.size")).write_text(str(tree_size(partial)))
            try:
                os.rename(partial, tree)  # atomic: a copier sees the whole tree or none
            except OSError:
                if not tree.is_dir():  # not another worker's tree put there first
                    raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Remove least recently used trees until the cache fits in max_bytes, never one being copied."""
        return evict_folders(self.root, self.max_bytes, PARTIAL_TTL_S, keep)


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
