"""Object stores behind output URIs: the fsspec filesystem for a URI, its endpoint options, plain-worded failures."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import fsspec

from tasktune_gui.core.settings import S3Endpoint, Settings

AWS_SUFFIX = ".amazonaws.com"
# s3fs waits 15 s for an answer; a server joining a multipart upload of a GB may take longer (a loaded local one took
# 30 s), and the client's repeat of the join then fails on the upload the first one completed: all sent again.
TRANSFER_READ_TIMEOUT_S = 120
EndpointLookup = Callable[[str], S3Endpoint]


class StoreError(Exception):
    """A store refused or could not be reached; `reason` is short enough for a task's status reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def saved_endpoints() -> EndpointLookup:
    """The endpoint options (https, CA file, path-style, region) from TaskTune's settings, read now."""
    return Settings.load().s3_endpoint


def is_remote(uri: str) -> bool:
    uri = uri.strip()
    return bool(uri) and not uri.startswith("/") and not uri.startswith("file://")


@dataclass(frozen=True)
class Location:
    """Where a URI points in fsspec's terms: the protocol, the path under it, and the filesystem's options."""

    protocol: str  # s3, gcs, az
    path: str  # bucket (or container) and key prefix, no slashes at either end
    options: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""  # what goes before `path` in a URI we show: "s3://", "s3://host:port/", "azure://acct..."

    @property
    def bucket(self) -> str:
        return self.path.split("/", 1)[0]

    def child(self, *parts: str) -> str:
        return "/".join(part.strip("/") for part in (self.path, *parts) if part.strip("/"))

    def uri(self, path: str) -> str:
        return f"{self.prefix}{path}"

    def filesystem(self, quick: bool = False) -> Any:
        """A new instance each time: fsspec's instance cache would keep the credentials it first read. `quick`
        asks the library not to retry on its own (s3fs retries even an untrusted certificate for 13 s)."""
        options = dict(self.options)
        if quick and self.protocol == "s3":
            options["config_kwargs"] = {**options.get("config_kwargs", {}), "retries": {"max_attempts": 1}}
        elif self.protocol == "s3":
            options["config_kwargs"] = {**options.get("config_kwargs", {}), "read_timeout": TRANSFER_READ_TIMEOUT_S}
        store = fsspec.filesystem(self.protocol, skip_instance_cache=True, **options)
        if quick and self.protocol == "s3":
            store.retries = 1  # s3fs's own loop: a class attribute, not an argument
        return store


def location_for(uri: str, endpoints: EndpointLookup | None = None) -> Location:
    """The store a remote URI names. `s3://host:port/bucket/...` is an S3-compatible server whose options come
    from the settings; credentials never come from here: each library reads its cloud's env and files."""
    parts = urlsplit(uri.strip())
    scheme = parts.scheme.lower()
    path = parts.path.strip("/")
    if scheme == "s3":
        netloc = parts.netloc
        if (":" in netloc or "." in netloc or netloc == "localhost") and not netloc.endswith(AWS_SUFFIX):
            endpoint = (endpoints or saved_endpoints())(netloc)
            client: dict[str, Any] = {"endpoint_url": f"{'https' if endpoint.secure else 'http'}://{netloc}"}
            if endpoint.ca_file:
                client["verify"] = endpoint.ca_file
            if endpoint.region:
                client["region_name"] = endpoint.region
            style = "path" if endpoint.path_style else "virtual"
            return Location("s3", path, {"client_kwargs": client, "config_kwargs": {"s3": {"addressing_style": style}}},
                            f"s3://{netloc}/")
        return Location("s3", f"{netloc}/{path}".strip("/"), {}, "s3://")
    if scheme == "gs":
        return Location("gcs", f"{parts.netloc}/{path}".strip("/"), {}, "gs://")
    if scheme == "azure":
        account = parts.netloc.split(".", 1)[0]
        return Location("az", path, {"account_name": account}, f"azure://{parts.netloc}/")
    raise StoreError("not an object store", uri)


# Library errors by class name, so no cloud library is imported to recognise its own.
_CREDENTIALS_MISSING = ("NoCredentialsError", "PartialCredentialsError", "DefaultCredentialsError",
                        "CredentialUnavailableError")
_CREDENTIALS_REFUSED = ("ClientAuthenticationError", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                        "AuthorizationFailure", "AuthenticationFailed", "RefreshError")
_SERVER_TROUBLE = ("NoSuchUpload", "Internal Server Error", "InternalError", "ServiceUnavailable", "SlowDown",
                   "(500)", "(502)", "(503)", "(504)")
# An HTTP 403 as a word of its own: a random object or bucket name in the same text may hold the digits.
_FORBIDDEN = re.compile(r"\b403\b")
_URL_QUERY = re.compile(r"(https?://[^\s?'\"]+)\?[^\s'\"]*")  # a signed URL's query may hold a token


def _clean(text: str) -> str:
    return _URL_QUERY.sub(r"\1", text.strip().splitlines()[0] if text.strip() else "")[:300]


def describe(exc: BaseException, location: Location) -> StoreError:
    """A failure in words a researcher acts on: credentials missing or refused, no such bucket, no access..."""
    if isinstance(exc, StoreError):
        return exc
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 6:
        chain.append(current)
        current = current.__cause__ or current.__context__
    names = " ".join(type(e).__name__ for e in chain) + " " + " ".join(str(e)[:2000] for e in chain)
    detail = _clean(str(exc)) or type(exc).__name__
    where = location.uri(location.bucket)
    if any(name in names for name in _CREDENTIALS_MISSING) or "Unable to locate credentials" in names:
        return StoreError(f"no credentials found for {where}", detail)
    if any(name in names for name in _CREDENTIALS_REFUSED) or "Server failed to authenticate" in names:
        return StoreError(f"credentials refused by {where}", detail)
    if "CERTIFICATE_VERIFY_FAILED" in names or "SSLCertVerificationError" in names:
        return StoreError(f"certificate of {where} not trusted (set the endpoint's CA file)", detail)
    # A server error, or a multipart upload the server lost: worth another try (checked before "not found",
    # as the abort of a failed multipart upload answers NoSuchUpload, a FileNotFoundError, over the real cause).
    if any(mark in names for mark in _SERVER_TROUBLE):
        return StoreError(f"cannot write to {where}", f"the server failed: {detail}")
    if any(mark in names for mark in ("NoSuchBucket", "bucket does not exist", "No such container",
                                      "ContainerNotFound", "container does not exist")):
        return StoreError(f"bucket not found: {where}", detail)
    if isinstance(exc, PermissionError) or "AccessDenied" in names or _FORBIDDEN.search(names):
        return StoreError(f"access denied to {where}", detail)
    if isinstance(exc, FileNotFoundError):
        return StoreError(f"bucket not found: {where}", detail)
    if isinstance(exc, ConnectionError | TimeoutError) or "ClientConnectorError" in names \
            or "EndpointConnectionError" in names or "ServiceRequestError" in names:
        return StoreError(f"cannot reach {where}", detail)
    return StoreError(f"cannot write to {where}", f"{type(exc).__name__}: {detail}")


def check_destination(uri: str, endpoints: EndpointLookup | None = None) -> str:
    """Credentials found, bucket there and writable: a small object is written and removed. What was checked,
    in a sentence; StoreError naming what failed otherwise."""
    location = location_for(uri, endpoints)
    probe = location.child(f".tasktune-check-{uuid.uuid4().hex}")
    try:
        store = location.filesystem(quick=True)
        store.pipe_file(probe, b"TaskTune checks that it may write here\n")
        store.rm_file(probe)
    except Exception as exc:  # whatever the library raised, said as what it means
        raise describe(exc, location) from exc
    return f"{location.uri(location.path)} is reachable and writable"
