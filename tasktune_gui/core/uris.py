"""Validation of output destinations: folders, file://, s3://, gs:// and azure:// URIs."""

from __future__ import annotations

from urllib.parse import urlsplit

from tasktune_gui.core.errors import InvalidValue

AWS_SUFFIX = ".amazonaws.com"


def validate_output_uri(uri: str) -> str:
    """The URI, stripped, if it names a place TaskTune can write to; else InvalidValue saying why."""
    uri = uri.strip()
    if not uri:
        return ""
    if uri.startswith("/"):
        return uri
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if not parts.path.startswith("/"):
            raise InvalidValue(f"'{uri}': a file:// destination needs an absolute folder, like file:///data/out")
        return uri
    if scheme == "s3":
        return _check_s3(uri, parts.netloc, parts.path)
    if scheme == "gs":
        if not parts.netloc:
            raise InvalidValue(f"'{uri}': name the bucket, like gs://bucket/folder")
        return uri
    if scheme == "azure":
        if not parts.netloc.endswith(".blob.core.windows.net") or not parts.path.strip("/"):
            raise InvalidValue(f"'{uri}': use azure://ACCOUNT.blob.core.windows.net/CONTAINER/path")
        return uri
    raise InvalidValue(
        f"'{uri}' is not an output destination (use a folder path, file://, s3://, gs:// or azure://)"
    )


def _check_s3(uri: str, netloc: str, path: str) -> str:
    if not netloc:
        raise InvalidValue(f"'{uri}': name the bucket, like s3://bucket/folder")
    # A host with dots is an endpoint (MinIO, Ceph...), whose bucket follows it; it needs a port.
    is_endpoint = "." in netloc or ":" in netloc or netloc == "localhost"
    if is_endpoint and not netloc.endswith(AWS_SUFFIX):
        host, _, port = netloc.partition(":")
        if not port.isdigit():
            raise InvalidValue(f"'{uri}': a non-AWS S3 host needs a port, like s3://{host}:9000/bucket")
        if not path.strip("/"):
            raise InvalidValue(f"'{uri}': name the bucket after the host, like s3://{netloc}/bucket")
    return uri


def s3_server_of(uri: str) -> str:
    """`host:port` of the S3-compatible server (MinIO, Ceph...) a destination names, lowercased; "" for AWS, other
    stores, folders and what does not validate. Its settings (https, CA file...) are kept under this name."""
    try:
        uri = validate_output_uri(uri)
    except InvalidValue:
        return ""
    parts = urlsplit(uri)
    if parts.scheme.lower() != "s3" or ":" not in parts.netloc or parts.netloc.endswith(AWS_SUFFIX):
        return ""
    return parts.netloc.lower()


def validate_server(netloc: str) -> str:
    """`host:port` as a destination names an S3-compatible server, stripped and lowercased; else InvalidValue."""
    netloc = netloc.strip().lower()
    host, _, port = netloc.partition(":")
    if not host or not port.isdigit() or "/" in netloc:
        raise InvalidValue(f"'{netloc}': name the server as HOST:PORT, like minio.lab:9000")
    return netloc
