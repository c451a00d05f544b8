"""`tasktune store endpoint|check`: how to reach an S3-compatible server (kept in the settings), and a destination
checked as a worker checks it at a task's start."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from tasktune_gui.cli.errors import UsageError
from tasktune_gui.core.errors import InvalidValue, TaskTuneError
from tasktune_gui.core.settings import Settings
from tasktune_gui.core.uris import validate_server


def add_parsers(commands: Any) -> None:
    store = commands.add_parser("store", help="object stores: S3-compatible endpoints, destination checks")
    actions = store.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(store))
    endpoint = actions.add_parser("endpoint", help="show or set how to reach an S3-compatible server (MinIO...)")
    endpoint.add_argument("netloc", nargs="?", metavar="HOST:PORT",
                          help="as the destination names it (s3://HOST:PORT/bucket); none lists every endpoint")
    scheme = endpoint.add_mutually_exclusive_group()
    scheme.add_argument("--https", dest="secure", action="store_true", default=None, help="talk TLS to it")
    scheme.add_argument("--http", dest="secure", action="store_false", help="plain http (the default)")
    endpoint.add_argument("--ca-file", type=Path, default=None, metavar="FILE",
                          help="a CA bundle to verify its certificate ('' for the system's)")
    style = endpoint.add_mutually_exclusive_group()
    style.add_argument("--path-style", dest="path_style", action="store_true", default=None,
                       help="host:port/bucket/key addressing (the default)")
    style.add_argument("--virtual-hosted", dest="path_style", action="store_false",
                       help="bucket.host:port/key addressing")
    endpoint.add_argument("--region", default=None, help="the region it signs requests for")
    endpoint.add_argument("--remove", action="store_true", help="forget this endpoint's settings")
    endpoint.set_defaults(handler=_endpoint)
    check = actions.add_parser("check", help="are credentials found, and is the destination reachable and writable?")
    check.add_argument("uri", help="s3://..., gs://... or azure://...")
    check.set_defaults(handler=_check)


def _endpoint(args: argparse.Namespace) -> int:
    settings = Settings.load()
    if args.netloc is None:
        print(json.dumps(settings.s3_endpoints, indent=2, sort_keys=True))
        return 0
    try:
        validate_server(args.netloc)
    except InvalidValue as exc:
        raise UsageError(str(exc)) from exc
    if args.remove:
        settings.s3_endpoints.pop(args.netloc.lower(), None)
        settings.save()
        return 0
    endpoint = settings.s3_endpoint(args.netloc)
    changes: dict[str, Any] = {}
    if args.secure is not None:
        changes["secure"] = args.secure
    if args.ca_file is not None:
        ca_file = str(args.ca_file.expanduser().resolve()) if str(args.ca_file) else ""
        if ca_file and not Path(ca_file).is_file():
            raise TaskTuneError(f"no CA file at {ca_file}")
        changes["ca_file"] = ca_file
    if args.path_style is not None:
        changes["path_style"] = args.path_style
    if args.region is not None:
        changes["region"] = args.region.strip()
    endpoint = replace(endpoint, **changes)
    if changes:
        settings.set_s3_endpoint(args.netloc, endpoint)
        settings.save()
    print(json.dumps({args.netloc.lower(): asdict(endpoint)}, indent=2))
    return 0


def _check(args: argparse.Namespace) -> int:
    from tasktune_gui.core.uris import validate_output_uri
    from tasktune_gui.execution.stores.buckets import StoreError, check_destination, is_remote

    try:
        uri = validate_output_uri(args.uri)
    except InvalidValue as exc:
        raise UsageError(str(exc)) from exc
    if not is_remote(uri):
        raise UsageError(f"'{uri}' is a folder, not an object store")
    try:
        print(check_destination(uri))
    except StoreError as exc:
        raise TaskTuneError(str(exc)) from exc
    return 0
