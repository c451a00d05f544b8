"""`sslmode=verify-full` with the lab's own certificate authority: the server's certificate and name are checked."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import in_process
from tests.support.components import require_component
from tests.support.postgres import PostgresCluster, find_postgres_bin

# A new key with each request: EC keys are made at once, where RSA ones take a noticeable while on a busy machine.
EC_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


def openssl(folder: Path, *argv: str) -> None:
    subprocess.run(["openssl", *argv], cwd=folder, check=True, capture_output=True, timeout=60)


def make_authority(folder: Path, name: str) -> None:
    """name-ca.pem and its key: a certificate authority of our own."""
    openssl(folder, "req", "-x509", *EC_KEY, "-days", "2", "-subj", f"/CN={name} CA",
            "-keyout", f"{name}-ca.key", "-out", f"{name}-ca.pem")


@pytest.fixture
def tls_cluster() -> Iterator[tuple[PostgresCluster, Path]]:
    """A server whose certificate (for 127.0.0.1 and localhost) the lab's CA signed; the CA's folder."""
    bin_dir = find_postgres_bin()
    require_component("PostgreSQL", bin_dir is not None, "install postgresql (initdb, pg_ctl)")
    require_component("OpenSSL", shutil.which("openssl") is not None, "install openssl")
    assert bin_dir is not None
    folder = Path(tempfile.mkdtemp(prefix="tasktune-pg-tls-"))  # readable by the 'postgres' user, as the tests'
    certs = folder / "certs"
    certs.mkdir()
    make_authority(certs, "lab")
    make_authority(certs, "other")
    (certs / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl(certs, "req", *EC_KEY, "-subj", "/CN=localhost", "-keyout", "server.key",
            "-out", "server.csr")
    openssl(certs, "x509", "-req", "-in", "server.csr", "-CA", "lab-ca.pem", "-CAkey", "lab-ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem")
    cluster = PostgresCluster(bin_dir, folder)
    cluster.init_data()
    for name in ("server.pem", "server.key"):
        target = cluster.data / name
        shutil.copy(certs / name, target)
        os.chmod(target, 0o600)
        if os.geteuid() == 0:
            shutil.chown(target, "postgres", "postgres")
    with (cluster.data / "postgresql.conf").open("a") as conf:
        conf.write("ssl = on\nssl_cert_file = 'server.pem'\nssl_key_file = 'server.key'\n")
    cluster.start_server()
    try:
        yield cluster, certs
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_verify_full_with_the_labs_ca_connects_and_another_ca_is_refused(
        tls_cluster: tuple[PostgresCluster, Path]) -> None:
    cluster, certs = tls_cluster
    database = cluster.new_database().rsplit("/", 1)[1]

    def tt(ca: str, *argv: str) -> subprocess.CompletedProcess[str]:
        url = (f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}/{database}"
               f"?sslmode=verify-full&sslrootcert={certs / ca}")
        return in_process(url, *argv)  # libpq checks the certificate in this process as in the command's

    made = tt("lab-ca.pem", "project", "create", "vision")
    assert made.returncode == 0, made.stderr
    assert "vision" in tt("lab-ca.pem", "project", "list").stdout
    refused = tt("other-ca.pem", "project", "list")
    assert refused.returncode == 1
    assert len(refused.stderr.splitlines()) == 1 and "certificate verify failed" in refused.stderr, refused.stderr
