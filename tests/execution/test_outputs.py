"""Output destinations: local folders as they are; remote ones copied with fsspec (a memory filesystem stands in
for a cloud bucket, which cannot run here)."""

from __future__ import annotations

from pathlib import Path

import fsspec

from tasktune_gui.execution.outputs import is_remote, publish, storage_for


def test_local_destinations_need_no_copy(tmp_path: Path) -> None:
    local = tmp_path / "w.bin"
    local.write_bytes(b"1")
    assert publish(local, str(tmp_path), "t1", "models") == local.as_uri()
    assert publish(local, "", "t1", "models") == local.as_uri()
    assert not is_remote("file:///data/out")


def test_a_remote_destination_receives_the_file(tmp_path: Path) -> None:
    local = tmp_path / "weights.bin"
    local.write_bytes(b"\x00trained")
    uri = publish(local, "memory://bucket/experiments", "abc123", "models")
    assert uri == "memory://bucket/experiments/abc123/models/weights.bin"
    with fsspec.open(uri, "rb") as handle:
        assert handle.read() == b"\x00trained"


def test_storage_options_for_each_kind_of_uri() -> None:
    assert storage_for("s3://minio.lab:9000/bucket/out") == (
        "s3", "bucket/out", {"client_kwargs": {"endpoint_url": "http://minio.lab:9000"}})
    assert storage_for("s3://bucket/out") == ("s3", "bucket/out", {})
    assert storage_for("gs://bucket/folder") == ("gs", "bucket/folder", {})
    assert storage_for("azure://lab.blob.core.windows.net/models/run") == ("az", "models/run", {"account_name": "lab"})
