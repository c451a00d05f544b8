"""Object-store servers on loopback ports for the tests: S3 (moto in server mode, HTTP and HTTPS), GCS, Azure."""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AZURE_ACCOUNT = "tasktunelab"
AZURE_KEY = base64.b64encode(b"a key the tests made for their own Azurite").decode()
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:  # still binding its port: wait on the process a moment (its exit ends the wait too)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(0.05)
    raise RuntimeError(f"server not listening on {port}: {log.read_text(errors='replace')[-2000:]}")


@dataclass
class StoreServer:
    """One server process; `env` is what a client (a worker, a task) needs to reach it as the cloud's tools do."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)
    ca_file: Path | None = None

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start(name: str, argv: list[str], port: int, folder: Path, env: dict[str, str] | None = None) -> StoreServer:
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=folder,
                                   env={**os.environ, **(env or {})}, start_new_session=True)
    server = StoreServer(name, port, process)
    try:
        _wait_listening(port, process, log)
    except RuntimeError:
        server.stop()
        raise
    return server


def aws_env(folder: Path) -> dict[str, str]:
    """Test credentials the way the AWS tools read them, and no profile of the machine's own."""
    return {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret-value",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(folder / "aws-config-none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(folder / "aws-credentials-none")}


def start_s3(folder: Path, https: bool = False) -> StoreServer:
    """moto's S3 in its own process; with `https`, a certificate for 127.0.0.1 signed by a CA made here."""
    port = free_port()
    argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    ca_file = None
    if https:
        import trustme

        authority = trustme.CA()
        certificate = authority.issue_cert("127.0.0.1", "localhost")
        ca_file = folder / "ca.pem"
        folder.mkdir(parents=True, exist_ok=True)
        authority.cert_pem.write_to_path(str(ca_file))
        certificate.private_key_pem.write_to_path(str(folder / "key.pem"))
        certificate.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
        argv += ["-c", str(folder / "cert.pem"), "-k", str(folder / "key.pem")]
    server = _start("s3-https" if https else "s3", argv, port, folder)
    server.env = aws_env(folder)
    server.ca_file = ca_file
    return server


def start_gcs(folder: Path) -> StoreServer:
    port = free_port()
    emulator = shutil.which("gcp-storage-emulator", path=str(Path(sys.executable).parent)) or "gcp-storage-emulator"
    server = _start("gcs", [emulator, "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory"],
                    port, folder)
    # gcsfs and Google's own libraries read the emulator's address from this variable.
    server.env = {"STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{port}"}
    return server


def azurite_available() -> bool:
    return shutil.which("azurite-blob") is not None


def start_azure(folder: Path) -> StoreServer:
    port = free_port()
    argv = [shutil.which("azurite-blob") or "azurite-blob", "--blobHost", "127.0.0.1", "--blobPort", str(port),
            "--silent", "--skipApiVersionCheck", "--inMemoryPersistence"]
    # The account and its key are ours: Azurite checks every request's signature against them.
    server = _start("azure", argv, port, folder, env={"AZURITE_ACCOUNTS": f"{AZURE_ACCOUNT}:{AZURE_KEY}"})
    server.env = {"AZURE_STORAGE_CONNECTION_STRING": azurite_connection_string(port, AZURE_KEY)}
    return server


def azurite_connection_string(port: int, key: str) -> str:
    return (f"DefaultEndpointsProtocol=http;AccountName={AZURE_ACCOUNT};AccountKey={key};"
            f"BlobEndpoint=http://127.0.0.1:{port}/{AZURE_ACCOUNT};")


def destination(server: StoreServer, bucket: str, folder: str = "runs") -> str:
    """An output URI in `bucket` on this server, written as a researcher would."""
    if server.name.startswith("s3"):
        return f"s3://{server.netloc}/{bucket}/{folder}"
    if server.name == "gcs":
        return f"gs://{bucket}/{folder}"
    return f"azure://{AZURE_ACCOUNT}.blob.core.windows.net/{bucket}/{folder}"


def new_bucket(server: StoreServer) -> str:
    """A bucket (a container on Azure) made for one test on the server, whose client settings are in place."""
    from tasktune_gui.execution.stores.buckets import location_for

    bucket = f"b{uuid.uuid4().hex[:12]}"
    location = location_for(destination(server, bucket))
    location.filesystem().mkdir(bucket)
    return bucket


# A task that reads its input model and keeps an artifact and a model: each backend's run of it must upload both.
STORE_TASK_SCRIPT = """\
from pathlib import Path
from typing import Any
from tasktune_gui import sdk
source = sdk.input_model()
print("input", source.read_text() if source else None)
Path("weights.bin").write_text("tuned from " + (source.read_text() if source else "scratch"))
sdk.upload_artifact("metrics", {"accuracy": 0.75})
sdk.register_output_model("weights.bin", name="tuned")
"""


def model_in_bucket(core: Any, server: StoreServer, folder: Path, content: bytes = b"base weights") -> tuple[str, str]:
    """(model id, the bucket destination for outputs): a model uploaded to a new bucket and registered with its
    hash, as a task's upload registers one."""
    import hashlib

    from tasktune_gui.execution.stores.outputs import publish

    output_uri = destination(server, new_bucket(server))
    (folder / "base.bin").write_bytes(content)
    uri = publish(folder / "base.bin", output_uri, "pretrained", "models")
    model_id = core.models.create("base", uri=uri, size=len(content), hash=hashlib.sha256(content).hexdigest())
    return model_id, output_uri


def read_uri(uri: str) -> bytes:
    from tasktune_gui.execution.stores.buckets import location_for

    location = location_for(uri)
    return bytes(location.filesystem().cat_file(location.path))
