"""What every cache of trees, environments and models shares: markers, sizes, least-recently-used eviction.

Standard library only, and kept compatible with older Python 3 releases than TaskTune's own: it is uploaded to
SSH hosts with the agent (ssh/agent), whose host cache uses it as the worker's caches do here."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

READY = ".tasktune-ready"
LAST_USED = ".tasktune-last-used"
SIZE = ".tasktune-size"
FILE_URL = re.compile(r"file://(/[^\s;#]*)")

Entry = TypeVar("Entry", bound="str | os.PathLike[str]")


def is_python(binary: str) -> bool:
    return binary in ("python", "python3") or binary.startswith("python3.")


def normalize_requirements(text: str) -> str:
    """Comments and blank lines dropped: two package lists that differ only so share an environment."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def find_uv(before: Sequence[str] = (), after: Sequence[str] = ()) -> str | None:
    """uv in one of the folders `before`, else on PATH, else in one of the folders `after`."""
    path = os.pathsep.join([*before, os.environ.get("PATH", ""), *after])
    return shutil.which("uv", path=path)


def tree_size(path: str | os.PathLike[str]) -> int:
    """Bytes of the files below `path` (links counted as themselves)."""
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue
    return total


def recorded_size(folder: str | os.PathLike[str]) -> int:
    """A cached folder's size, measured once and kept in it: walking every entry on each eviction costs seconds."""
    marker = os.path.join(folder, SIZE)
    try:
        with open(marker) as handle:
            return int(handle.read())
    except (OSError, ValueError):
        size = tree_size(folder)
        with open(marker, "w") as handle:
            handle.write(str(size))
        return size


def repository_relative(frozen: str, repo: str) -> str:
    """Packages installed from files of the repository named by their path in it, as `./wheels/x.whl`: the
    run's folder goes when it ends, and a clone runs in a folder of its own."""
    from urllib.parse import unquote

    roots = dict.fromkeys([os.path.abspath(repo), os.path.realpath(repo)])

    def inside(match: Any) -> str:
        path = os.path.normpath(unquote(match.group(1)))
        for root in roots:
            if path == root or path.startswith(root + os.sep):
                return "./" + os.path.relpath(path, root) if path != root else "."
        return str(match.group(0))

    lines = []
    for line in frozen.splitlines():
        text = FILE_URL.sub(inside, line)
        _name, at, where = text.partition(" @ ")
        lines.append(where if at and where.startswith(".") else text)  # pip reads a bare path, not "name @ ./x"
    return "".join(line + "\n" for line in lines)


def stale_partial(entry: str | os.PathLike[str], ttl: float) -> bool:
    """Whether `entry` is a folder half made (`*.partial`); one older than `ttl` (its maker was killed) is removed."""
    if not os.fspath(entry).endswith(".partial"):
        return False
    with contextlib.suppress(OSError):
        if os.stat(entry).st_mtime < time.time() - ttl:
            shutil.rmtree(entry, ignore_errors=True)
    return True


@contextlib.contextmanager
def held_alone(*lock_files: str) -> Iterator[bool]:
    """Exclusive locks on these lock files, taken without waiting: False when another process holds one (a run
    copying or using the entry), and then nothing may be removed."""
    with contextlib.ExitStack() as stack:
        for path in lock_files:
            handle = stack.enter_context(open(path, "a"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
        yield True


def evict_oldest(
    entries: list[tuple[float, int, Entry]], max_bytes: int, remove: Callable[[Entry], bool],
    keep: Sequence[Entry] = (),
) -> list[Entry]:
    """Least recently used first, `remove(entry)` each (False: skipped, in use) until the (last use, size,
    entry) list fits in `max_bytes`; never one in `keep`. The entries removed."""
    total = sum(size for _used, size, _entry in entries)
    removed: list[Entry] = []
    for _used, size, entry in sorted(entries, key=lambda item: (item[0], item[1], str(item[2]))):
        if total <= max_bytes:
            break
        if entry in keep or not remove(entry):
            continue
        total -= size
        removed.append(entry)
    return removed


def evict_folders(root: Path, max_bytes: int, partial_ttl: float, keep: Path | None = None) -> list[Path]:
    """The same for a cache of folders `root/<key>`, each with its size in `<key>.size` and held by a run
    through `<key>.lock` (commit trees, input models); its time is its last use."""
    found: list[tuple[float, int, Path]] = []
    for entry in root.iterdir():
        if not entry.is_dir() or stale_partial(entry, partial_ttl):
            continue
        try:
            size = int(entry.with_name(f"{entry.name}.size").read_text())
        except (OSError, ValueError):
            size = tree_size(entry)
        with contextlib.suppress(OSError):
            found.append((entry.stat().st_mtime, size, entry))
    return evict_oldest(found, max_bytes, _remove_unless_held, [keep] if keep else [])


def _remove_unless_held(entry: Path) -> bool:
    with held_alone(str(entry.with_name(f"{entry.name}.lock"))) as alone:
        if alone:  # else a run is copying or reading it
            shutil.rmtree(entry, ignore_errors=True)
            entry.with_name(f"{entry.name}.size").unlink(missing_ok=True)
        return alone
