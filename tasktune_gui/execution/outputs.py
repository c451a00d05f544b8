"""Output destinations: artifacts and models copied to the task's output URI with fsspec."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import fsspec

AWS_SUFFIX = ".amazonaws.com"


def storage_for(uri: str) -> tuple[str, str, dict[str, Any]]:
    """(protocol, root path, fsspec storage options) for an output URI.

    `s3://host:port/bucket/...` is an S3-compatible server (MinIO, Ceph): its host becomes the endpoint.
    Credentials are never here: each library reads its own environment and config files."""
    parts = urlsplit(uri)
    protocol = parts.scheme.lower()
    if protocol == "s3" and (":" in parts.netloc or "." in parts.netloc) and not parts.netloc.endswith(AWS_SUFFIX):
        return protocol, parts.path.strip("/"), {"client_kwargs": {"endpoint_url": f"http://{parts.netloc}"}}
    if protocol == "azure":
        account = parts.netloc.split(".", 1)[0]
        return "az", parts.path.strip("/"), {"account_name": account}
    return protocol, f"{parts.netloc}{parts.path}".rstrip("/"), {}


def is_remote(uri: str) -> bool:
    uri = uri.strip()
    return bool(uri) and not uri.startswith("/") and not uri.startswith("file://")


def publish(local: Path, output_uri: str, task_id: str, kind: str) -> str:
    """Copy a file the task wrote to `<output_uri>/<task_id>/<kind>/<name>`; the URI it now has.

    A local destination needs no copy: the SDK already wrote there."""
    if not is_remote(output_uri):
        return local.as_uri()
    protocol, root, options = storage_for(output_uri)
    filesystem = fsspec.filesystem(protocol, **options)
    target = "/".join(part for part in (root, task_id, kind, local.name) if part)
    filesystem.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
    filesystem.put_file(str(local), target)
    shown = target if protocol != "s3" or not options else f"{urlsplit(output_uri).netloc}/{target}"
    return f"{'azure' if protocol == 'az' else protocol}://{shown}"
