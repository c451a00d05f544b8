"""Output destinations: artifacts and models copied to the task's output URI (fsspec), in parts, retried, checked."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
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
    return not error.reason.startswith(("cannot reach", "cannot write", "upload incomplete"))


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


def publish(local: Path, output_uri: str, task_id: str, kind: str, say: Callable[[str], None] | None = None,
            endpoints: EndpointLookup | None = None, part_bytes: int | None = None) -> str:
    """Copy a file the task wrote to `<output_uri>/<task_id>/<kind>/<name>`; the URI it now has. Its size in the
    store is checked against the file's; StoreError says what failed.

    Large files go in parts, several at once, of the library's size (s3fs: 50 MB; `part_bytes` for S3 otherwise:
    a local S3 server failed to join 64 parts of 16 MB where 21 of 50 MB went through). A local destination
    needs no copy: the SDK already wrote there."""
    if not is_remote(output_uri):
        return local.as_uri()
    location = location_for(output_uri, endpoints)
    target = location.child(task_id, kind, local.name)
    size = local.stat().st_size
    options: dict[str, Any] = {"chunksize": part_bytes} if part_bytes and location.protocol == "s3" else {}

    def upload() -> None:
        store = location.filesystem()
        progress = ProgressLines(local.name, say) if say is not None else Callback()
        store.put_file(str(local), target, callback=progress, **options)
        stored = store.info(target).get("size")
        if stored != size:
            raise StoreError("upload incomplete", f"{location.uri(target)} holds {stored} bytes of {size}")

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
