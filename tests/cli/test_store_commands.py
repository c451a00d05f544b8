"""`tasktune store endpoint` keeps an S3-compatible server's options in the settings; `store check` checks a
destination against the real servers the tests start, in one line either way."""

from __future__ import annotations

import json
from pathlib import Path

from tasktune_gui.core.settings import Settings
from tests.support.cli import Run, one_error_line
from tests.support.object_stores import StoreServer, destination, new_bucket


def test_endpoint_options_are_kept_per_host_and_port(tt: Run, tmp_path: Path) -> None:
    ca = tmp_path / "lab-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    shown = tt("store", "endpoint", "MinIO.lab:9000", "--https", "--ca-file", str(ca), "--virtual-hosted",
               "--region", "eu-west-1", check=True)
    assert json.loads(shown.stdout) == {"minio.lab:9000": {"secure": True, "ca_file": str(ca.resolve()),
                                                          "path_style": False, "region": "eu-west-1"}}
    tt("store", "endpoint", "minio.lab:9000", "--http", check=True)
    endpoint = Settings.load().s3_endpoint("minio.lab:9000")
    assert (endpoint.secure, endpoint.ca_file, endpoint.region) == (False, str(ca.resolve()), "eu-west-1")
    assert "minio.lab:9000" in json.loads(tt("store", "endpoint", check=True).stdout)
    one_error_line(tt("store", "endpoint", "minio.lab"), 2, "HOST:PORT")
    one_error_line(tt("store", "endpoint", "minio.lab:9000", "--ca-file", str(tmp_path / "none.pem")), 1,
                   "no CA file")
    tt("store", "endpoint", "minio.lab:9000", "--remove", check=True)
    assert "minio.lab:9000" not in Settings.load().s3_endpoints


def test_check_says_writable_or_why_not(store_env: dict[str, StoreServer], tt: Run) -> None:
    server = store_env["s3-https"]  # reached through the endpoint's CA file in the settings
    uri = destination(server, new_bucket(server))
    assert tt("store", "check", uri, check=True).stdout.strip() == f"{uri} is reachable and writable"
    one_error_line(tt("store", "check", destination(server, "missing-bucket")), 1, "bucket not found")
    one_error_line(tt("store", "check", "/data/out"), 2, "not an object store")
