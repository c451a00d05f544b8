"""Output destinations: artifacts and models copied to the task's output URI (fsspec), in parts, retried, checked."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fsspec.callbacks import Callback

from tasktune_gui.execution.stores.buckets import (
    EndpointLookup,
    Location,
    StoreError,
    describe,
    is_remote,
    location_for,
)

log = logging.getLogger(__name__)
ATTEMPTS = 4
BACKOFF_S = 0.5  # doubled after each failed attempt
PROGRESS_MIN_BYTES = 16 * 1024**2  # smaller files go up without progress lines
PROGRESS_EVERY_S = 2.0
READ_BLOCK = 8 * 1024**2
AZURE_SINGLE_PUT_BYTES = 64 * 1024**2  # azure-storage-blob's max_single_put_size: larger blobs go up in blocks

__all__ = ["download", "is_remote", "publish", "with_retries"]


class ProgressLines(Callback):  # type: ignore[misc]  # fsspec is untyped
    """fsspec's transfer callback turned into a console line every few seconds (and at each quarter)."""

    def __init__(self, name: str, say: Callable[[str], None]) -> None:
        super().__init__()
        self.name = name
        self.say = say
        self._last_time = time.monotonic()
        self._last_quarter = 0

    def call(self, *args: Any, **kwargs: Any) -> None:
        if not self.size or self.size < PROGRESS_MIN_BYTES:
            return
        quarter = 4 * self.value // self.size
        now = time.monotonic()
        if quarter > self._last_quarter or now - self._last_time >= PROGRESS_EVERY_S:
            self._last_quarter, self._last_time = quarter, now
            self.say(f"uploading {self.name}: {100 * self.value // self.size}% of {_size_text(self.size)}")


def _size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]  # a float from here on, shown with one decimal
    return str(size)


def _permanent(error: StoreError) -> bool:
    """Failures a retry cannot mend: missing or refused credentials, a missing bucket, a refusal."""
    return not error.reason.startswith(("cannot reach", "cannot write", "upload incomplete", "upload differs"))


def with_retries(step: Callable[[], Any], location: Location, what: str) -> Any:
    """`step` again after a transient failure (a dropped connection, a server error), with a growing pause."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return step()
        except Exception as exc:  # every library's own errors; sorted by describe()
            error = describe(exc, location)
            if _permanent(error) or attempt == ATTEMPTS:
                raise error from exc
            log.warning("%s failed (attempt %d of %d), retrying: %s", what, attempt, ATTEMPTS, error)
            time.sleep(BACKOFF_S * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Digests:
    """A file's size and the hash the store keeps of the same bytes once uploaded, hex: S3's ETag (the MD5, or for a
    multipart upload the MD5 of its parts' MD5s and "-<parts>"), the MD5 that GCS and Azure keep; "" where the
    store will keep none."""

    size: int
    store: str


def file_digests(local: Path, protocol: str, part_bytes: int | None = None) -> Digests:
    """The file's digests in one read, its parts cut where the upload cuts them (s3fs's put_file). Only the hash the
    store compares is made (MD5: 1.5 s of CPU a GB): where the server shares the machine, the client's CPU is the
    server's loss."""
    size = local.stat().st_size
    part = 0
    if protocol == "s3":
        from s3fs.core import calculate_chunksize

        part = calculate_chunksize(size, chunksize=part_bytes)
        if size < min(5 * 1024**3, 2 * part):  # s3fs puts it in one request
            part = 0
    elif protocol == "az" and size > AZURE_SINGLE_PUT_BYTES:  # put in blocks: Azure keeps no MD5 of it
        return Digests(size, "")
    whole, part_md5s = hashlib.md5(usedforsecurity=False), []
    with local.open("rb") as handle:
        while block := handle.read(part or READ_BLOCK):
            if part:
                part_md5s.append(hashlib.md5(block, usedforsecurity=False).digest())
            else:
                whole.update(block)
    if part:
        return Digests(size, f"{hashlib.md5(b''.join(part_md5s), usedforsecurity=False).hexdigest()}-{len(part_md5s)}")
    return Digests(size, whole.hexdigest())


def sha256_of(read: Callable[[int], bytes]) -> str:
    """The SHA-256 of what `read` gives, block by block (a local file's or a stored object's)."""
    sha = hashlib.sha256()
    while block := read(READ_BLOCK):
        sha.update(block)
    return sha.hexdigest()


def stored_hash(info: dict[str, Any], protocol: str) -> str:
    """The hash the store gives of an object in its metadata, hex, or "" when it keeps none (an Azure blob put in
    blocks, a composed GCS object)."""
    if protocol == "s3":
        return str(info.get("ETag") or "").strip('"').lower()
    if protocol == "gcs":
        md5 = info.get("md5Hash")
        return base64.b64decode(md5).hex() if md5 else ""
    md5 = (info.get("content_settings") or {}).get("content_md5")
    return bytes(md5).hex() if md5 else ""


def check_upload(store: Any, location: Location, target: str, expected: Digests,
                 file_sha256: Callable[[], str]) -> None:
    """StoreError unless the object at `target` has the file's size and hash. The store's own hash is asked first
    (one metadata request); when it keeps none, or one that is not the MD5 of the bytes (S3 objects encrypted with
    KMS), the object is read back and its SHA-256 compared with `file_sha256()`."""
    info = store.info(target)
    if info.get("size") != expected.size:
        raise StoreError("upload incomplete",
                         f"{location.uri(target)} holds {info.get('size')} bytes of {expected.size}")
    if expected.store and stored_hash(info, location.protocol) == expected.store:
        return
    with store.open(target, "rb", block_size=READ_BLOCK) as handle:
        stored = sha256_of(handle.read)
    wanted = file_sha256().lower()
    if stored != wanted:
        raise StoreError("upload differs from the file",
                         f"{location.uri(target)} has SHA-256 {stored}, the file {wanted}")


def _give_way() -> None:
    """The hashing thread at the lowest priority (Linux sets it per thread): it only has to be done when the upload
    is, and on a busy machine (training next to it, a local server) its CPU would be taken from them."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


def publish(local: Path, output_uri: str, task_id: str, kind: str, say: Callable[[str], None] | None = None,
            endpoints: EndpointLookup | None = None, part_bytes: int | None = None,
            recorded_sha256: str = "") -> str:
    """Copy a file the task wrote to `<output_uri>/<task_id>/<kind>/<name>`; the URI it now has. The stored object's
    size and hash are checked against the file's (against `recorded_sha256`, the hash the task reported, where the
    object is read back); StoreError says what failed.

    Large files go in parts, several at once, of the library's size (s3fs: 50 MB; `part_bytes` for S3 otherwise:
    a local S3 server failed to join 64 parts of 16 MB where 21 of 50 MB went through). A local destination
    needs no copy: the SDK already wrote there."""
    if not is_remote(output_uri):
        return local.as_uri()
    location = location_for(output_uri, endpoints)
    target = location.child(task_id, kind, local.name)
    options: dict[str, Any] = {"chunksize": part_bytes} if part_bytes and location.protocol == "s3" else {}

    def file_sha256() -> str:
        if recorded_sha256:
            return recorded_sha256
        with local.open("rb") as handle:
            return sha256_of(handle.read)

    with ThreadPoolExecutor(1, thread_name_prefix="tasktune-digest", initializer=_give_way) as hashing:
        # Hashed while it goes up: the hash releases the GIL, the upload mostly waits on the network.
        digests = hashing.submit(file_digests, local, location.protocol, part_bytes)

        def upload() -> None:
            store = location.filesystem()
            progress = ProgressLines(local.name, say) if say is not None else Callback()
            store.put_file(str(local), target, callback=progress, **options)
            check_upload(store, location, target, digests.result(), file_sha256)

        with_retries(upload, location, f"upload of {local.name} to {location.uri(target)}")
    return location.uri(target)


def download(uri: str, folder: Path, endpoints: EndpointLookup | None = None) -> Path:
    """A copy of the file at a bucket URI in `folder` (a numbered name beside one already there); StoreError if
    it cannot be fetched. What the ARTIFACTS tab's and the Models page's Download do."""
    location = location_for(uri, endpoints)
    name = location.path.rsplit("/", 1)[-1] or "download"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    number = 1
    while target.exists():
        stem, dot, suffix = name.partition(".")
        target = folder / f"{stem} ({number}){dot}{suffix}"
        number += 1
    partial = target.with_name(f".{target.name}.partial")
    try:
        with_retries(lambda: location.filesystem().get_file(location.path, str(partial)), location,
                     f"download of {uri}")
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
