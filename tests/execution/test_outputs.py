"""Output destinations against real servers the tests start: S3 (HTTP and HTTPS), GCS and Azure; no fsspec mocks."""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tasktune_gui.core.settings import S3Endpoint
from tasktune_gui.execution.stores import buckets, outputs
from tasktune_gui.execution.stores.buckets import StoreError, check_destination, location_for
from tasktune_gui.execution.stores.outputs import check_upload, file_digests, is_remote, publish, stored_hash
from tests.support.late_proxy import LateAnswerProxy
from tests.support.object_stores import StoreServer, azurite_connection_string, destination, new_bucket

STORES = ["s3", "s3-https", "gcs", "azure"]


def test_local_destinations_need_no_copy(tmp_path: Path) -> None:
    local = tmp_path / "w.bin"
    local.write_bytes(b"1")
    assert publish(local, str(tmp_path), "t1", "models") == local.as_uri()
    assert publish(local, "", "t1", "models") == local.as_uri()
    assert not is_remote("file:///data/out")


def test_locations_and_endpoint_options() -> None:
    plain = location_for("s3://minio.lab:9000/bucket/out", lambda netloc: S3Endpoint())
    assert (plain.protocol, plain.path) == ("s3", "bucket/out")
    assert plain.options["client_kwargs"] == {"endpoint_url": "http://minio.lab:9000"}
    assert plain.options["config_kwargs"] == {"s3": {"addressing_style": "path"}}
    secure = location_for("s3://minio.lab:9000/bucket", lambda netloc: S3Endpoint(
        secure=True, ca_file="/etc/lab-ca.pem", path_style=False, region="eu-west-1"))
    assert secure.options["client_kwargs"] == {"endpoint_url": "https://minio.lab:9000", "verify": "/etc/lab-ca.pem",
                                               "region_name": "eu-west-1"}
    assert secure.options["config_kwargs"] == {"s3": {"addressing_style": "virtual"}}
    aws = location_for("s3://bucket/out")
    assert (aws.protocol, aws.path, aws.options) == ("s3", "bucket/out", {})
    assert location_for("gs://bucket/folder").path == "bucket/folder"
    azure = location_for("azure://lab.blob.core.windows.net/models/run")
    assert (azure.protocol, azure.path, azure.options) == ("az", "models/run", {"account_name": "lab"})
    assert azure.uri("models/run/x") == "azure://lab.blob.core.windows.net/models/run/x"


@pytest.mark.parametrize("store", STORES)
def test_publish_uploads_and_checks_the_size(store: str, store_env: dict[str, StoreServer], tmp_path: Path) -> None:
    server = store_env[store]
    bucket = new_bucket(server)
    local = tmp_path / "weights.bin"
    local.write_bytes(b"\x00weights" * 1000)
    uri = publish(local, destination(server, bucket), "task1", "models")
    assert uri == destination(server, bucket, "runs/task1/models/weights.bin")
    location = location_for(uri)
    assert location.filesystem().cat_file(location.path) == local.read_bytes()


def test_large_file_goes_up_in_parts_with_progress(store_env: dict[str, StoreServer], tmp_path: Path) -> None:
    server = store_env["s3"]
    bucket = new_bucket(server)
    local = tmp_path / "big.bin"
    local.write_bytes(bytes(range(256)) * (17 * 4096))  # 17 MiB: three parts of 8 MiB at most
    lines: list[str] = []
    uri = publish(local, destination(server, bucket), "task1", "models", lines.append, part_bytes=8 * 1024**2)
    location = location_for(uri)
    info = location.filesystem().info(location.path)
    assert info["size"] == local.stat().st_size
    assert str(info["ETag"]).strip('"').endswith("-3")  # S3's mark of a three-part upload
    assert stored_hash(info, "s3") == file_digests(local, "s3", 8 * 1024**2).store  # the parts cut as we cut them
    assert lines and lines[-1] == "uploading big.bin: 100% of 17.0 MB"
    assert hashlib.sha256(location.filesystem().cat_file(location.path)).digest() == \
        hashlib.sha256(local.read_bytes()).digest()


@pytest.mark.parametrize("store", STORES)
def test_upload_is_checked_against_the_stores_size_and_hash(store: str, store_env: dict[str, StoreServer],
                                                            tmp_path: Path) -> None:
    server = store_env[store]
    local = tmp_path / "weights.bin"
    local.write_bytes(b"tuned weights " * 500)
    location = location_for(publish(local, destination(server, new_bucket(server)), "task1", "models"))
    fs = location.filesystem()
    expected = file_digests(local, location.protocol)
    sha256 = hashlib.sha256(local.read_bytes()).hexdigest()

    def not_asked() -> str:
        raise AssertionError("read back although the store's hash matched")

    assert stored_hash(fs.info(location.path), location.protocol) == expected.store
    check_upload(fs, location, location.path, expected, not_asked)

    fs.pipe_file(location.path, b"TUNED WEIGHTS " * 500)  # the same size, other bytes
    with pytest.raises(StoreError, match="upload differs from the file") as differs:
        check_upload(location.filesystem(), location, location.path, expected, lambda: sha256)
    assert sha256 in differs.value.detail
    fs.pipe_file(location.path, b"tuned weights")
    with pytest.raises(StoreError, match="upload incomplete"):
        check_upload(location.filesystem(), location, location.path, expected, lambda: sha256)


def test_an_object_without_a_stored_hash_is_read_back(store_env: dict[str, StoreServer], tmp_path: Path) -> None:
    server = store_env["azure"]  # a blob written in blocks keeps no MD5
    location = location_for(destination(server, new_bucket(server), "runs/w.bin"))
    fs = location.filesystem()
    with fs.open(location.path, "wb") as remote:
        remote.write(b"block one " * 1000)
    assert stored_hash(fs.info(location.path), "az") == ""
    (tmp_path / "same.bin").write_bytes(b"block one " * 1000)
    (tmp_path / "other.bin").write_bytes(b"block two " * 1000)
    same, other = (hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() for name in ("same.bin", "other.bin"))
    check_upload(fs, location, location.path, file_digests(tmp_path / "same.bin", "az"), lambda: same)
    with pytest.raises(StoreError, match="upload differs from the file"):
        check_upload(fs, location, location.path, file_digests(tmp_path / "other.bin", "az"), lambda: other)


def test_transfers_wait_as_long_as_set_for_a_slow_server(store_env: dict[str, StoreServer], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The client waits TRANSFER_READ_TIMEOUT_S, not s3fs's 15 s: a server joining a large multipart upload may
    take longer, and a join asked again after the client gave up may fail and send the whole file again."""
    server = store_env["s3"]
    bucket = new_bucket(server)
    monkeypatch.setattr(buckets, "TRANSFER_READ_TIMEOUT_S", 1)  # shorter than the server's answer, to see it used
    local = tmp_path / "big.bin"
    local.write_bytes(bytes(range(256)) * (12 * 4096))  # 12 MiB: three parts of 5 MiB at most
    with LateAnswerProxy(server.port, b"POST", b"uploadId=", delay_s=3) as proxy:
        publish(local, f"s3://127.0.0.1:{proxy.port}/{bucket}/runs", "task1", "models", part_bytes=5 * 1024**2)
    joins = [line for line in proxy.request_lines if line.startswith(b"POST") and b"uploadId=" in line]
    assert len(joins) == 2  # given up on after 1 s, asked again
    location = location_for(destination(server, bucket, "runs/task1/models/big.bin"))
    assert location.filesystem().cat_file(location.path) == local.read_bytes()


def test_a_large_azure_upload_is_read_back_against_the_reported_hash(store_env: dict[str, StoreServer],
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    server = store_env["azure"]
    monkeypatch.setattr(outputs, "AZURE_SINGLE_PUT_BYTES", 1024)  # "large": put in blocks, no MD5 kept
    monkeypatch.setattr(outputs, "BACKOFF_S", 0.0)
    local = tmp_path / "weights.bin"
    local.write_bytes(b"epoch 2 " * 1000)
    assert file_digests(local, "az").store == ""
    output_uri = destination(server, new_bucket(server))
    assert publish(local, output_uri, "task1", "models", recorded_sha256=hashlib.sha256(local.read_bytes()).hexdigest())
    with pytest.raises(StoreError, match="upload differs from the file"):  # the task reported other bytes
        publish(local, output_uri, "task2", "models", recorded_sha256=hashlib.sha256(b"epoch 1").hexdigest())


@pytest.mark.parametrize("store", STORES)
def test_check_names_a_missing_bucket(store: str, store_env: dict[str, StoreServer]) -> None:
    server = store_env[store]
    bucket = new_bucket(server)
    assert "reachable and writable" in check_destination(destination(server, bucket))
    with pytest.raises(StoreError, match="bucket not found") as refused:
        check_destination(destination(server, "no-such-bucket-here"))
    assert "no-such-bucket-here" in refused.value.reason


def test_check_names_refused_and_missing_credentials(store_env: dict[str, StoreServer],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    azure = store_env["azure"]
    container = new_bucket(azure)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite_connection_string(azure.port, "d3Jvbmcga2V5"))
    with pytest.raises(StoreError, match="credentials refused"):
        check_destination(destination(azure, container))
    s3 = store_env["s3"]
    bucket = new_bucket(s3)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    with pytest.raises(StoreError, match="no credentials found"):
        check_destination(destination(s3, bucket))


def test_https_endpoint_needs_its_ca(store_env: dict[str, StoreServer]) -> None:
    server = store_env["s3-https"]
    bucket = new_bucket(server)
    uri = destination(server, bucket)
    with pytest.raises(StoreError, match="not trusted"):
        check_destination(uri, lambda netloc: S3Endpoint(secure=True))
    with pytest.raises(StoreError, match="cannot reach|cannot write"):  # plain http to a TLS port
        check_destination(uri, lambda netloc: S3Endpoint(secure=False))
    assert "writable" in check_destination(uri)  # the settings' CA file


@pytest.mark.parametrize(("failure", "said"), [
    # A probe object's random name held "403" (…736340393b0e…): an unreachable endpoint read as a refusal.
    (ConnectionError('Could not connect to the endpoint URL: "http://127.0.0.1:1/b/runs/.tasktune-check-'
                     '90c3df8f5146440d81d6736340393b0e"'), "cannot reach"),
    (OSError("An error occurred (403) when calling the PutObject operation: Forbidden"), "access denied"),
], ids=["digits-in-a-name", "http-403"])
def test_a_403_is_read_as_a_refusal_only_when_it_is_one(failure: OSError, said: str) -> None:
    error = buckets.describe(failure, location_for("s3://bucket/runs"))
    assert error.reason.startswith(said)


def test_transient_failures_are_retried_and_permanent_ones_are_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "BACKOFF_S", 0.0)
    location = location_for("s3://bucket/out")
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("connection reset by peer")
        return "stored"

    assert outputs.with_retries(flaky, location, "an upload") == "stored" and len(calls) == 3
    calls.clear()

    def refused() -> None:
        calls.append(1)
        raise PermissionError("Access Denied")

    with pytest.raises(StoreError, match="access denied"):
        outputs.with_retries(refused, location, "an upload")
    assert len(calls) == 1


def test_the_upload_check_hashes_at_the_lowest_priority() -> None:
    """Only its thread gives way (training beside it, a local server): the worker keeps its own priority."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    with ThreadPoolExecutor(1, initializer=outputs._give_way) as hashing:
        assert hashing.submit(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())).result() == 19
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
