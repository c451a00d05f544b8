"""Input models kept in a bucket, downloaded once into the worker cache by their hash and reused across runs."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import uuid
from pathlib import Path

from tasktune_gui.execution.cache.entries import evict_folders
from tasktune_gui.execution.stores.buckets import EndpointLookup, StoreError, location_for
from tasktune_gui.execution.stores.outputs import sha256_of, with_retries

DEFAULT_MAX_BYTES = 20 * 1024**3
PARTIAL_TTL_S = 3600.0  # a download left by a killed worker is removed after this long


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_of(handle.read)


class ModelCache:
    """`root/<sha256>/<file name>`: one folder per model content, its time the last use.

    A model whose hash the database holds is found without asking the store; one without (registered by hand)
    is keyed by the store's own identity of the object (its ETag or generation, and size). Several workers may
    share the folder: a download is made under a temporary name and renamed into place; a run holds a shared
    lock on the entry's lock file while it uses it, and eviction skips an entry it cannot lock at once."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def fetch(self, uri: str, expected_hash: str = "", endpoints: EndpointLookup | None = None,
              in_use: contextlib.ExitStack | None = None) -> Path:
        """The local path of the model at `uri`, downloaded if the cache lacks it; StoreError if it cannot be.
        With `in_use`, the model is kept from eviction until that stack closes (the run's end)."""
        self.root.mkdir(parents=True, exist_ok=True)
        location = location_for(uri, endpoints)
        key = expected_hash.lower() if len(expected_hash) == 64 else ""
        if not key:
            info = with_retries(lambda: location.filesystem().info(location.path), location, f"reading {uri}")
            version = info.get("ETag") or info.get("etag") or info.get("generation") or ""
            identity = f"{uri}\n{version}\n{info.get('size')}"
            key = "u" + hashlib.sha256(identity.encode()).hexdigest()[:63]
        name = location.path.rsplit("/", 1)[-1] or "model"
        entry = self.root / key
        made = False
        lock = open(self.root / f"{key}.lock", "a")  # noqa: SIM115  # held past this call when the run uses it
        try:
            fcntl.flock(lock, fcntl.LOCK_SH)
            if not (entry / name).is_file():
                self._download(location.path, entry, name, expected_hash, uri, endpoints)
                made = True
            os.utime(entry)
        except BaseException:
            lock.close()
            raise
        if in_use is not None:
            in_use.callback(lock.close)
        else:
            lock.close()
        if made:
            self.evict(keep=entry)
        return entry / name

    def _download(self, path: str, entry: Path, name: str, expected_hash: str, uri: str,
                  endpoints: EndpointLookup | None) -> None:
        location = location_for(uri, endpoints)
        partial = entry.with_name(f"{entry.name}.{uuid.uuid4().hex}.partial")
        partial.mkdir(parents=True)
        try:
            with_retries(lambda: location.filesystem().get_file(path, str(partial / name)), location,
                         f"download of {uri}")
            if expected_hash and file_digest(partial / name) != expected_hash.lower():
                raise StoreError("input model damaged", f"{uri} does not have the hash recorded at its upload")
            entry.with_name(f"{entry.name}.size").write_text(str((partial / name).stat().st_size))
            if entry.is_dir():  # a folder without the file: a leftover, replaced
                shutil.rmtree(entry, ignore_errors=True)
            try:
                os.rename(partial, entry)
            except OSError:
                if not (entry / name).is_file():  # not another worker's download put there first
                    raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Remove the least recently used models until the cache fits in max_bytes, never one in use."""
        return evict_folders(self.root, self.max_bytes, PARTIAL_TTL_S, keep)
