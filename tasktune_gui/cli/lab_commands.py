"""`tasktune lab ...`: a shared PostgreSQL's logins and their roles, run with an admin's connection."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from tasktune_gui.cli.common import UsageError, opened_core, print_json
from tasktune_gui.core import lab
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.passwords import WHERE_TO_KEEP, keep_in_keyring
from tasktune_gui.core.settings import default_db_url
from tasktune_gui.core.users import LAB_ROLES


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser("lab", help="a shared PostgreSQL's logins and roles (researcher, admin, worker)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(parser))
    setup = actions.add_parser("setup", help="create or refresh the lab's roles, grants and row-level security")
    setup.set_defaults(handler=lambda a: _in_transaction(a, lab.set_up))
    add = actions.add_parser("add-user", help="create a login with its role (or change an existing one's role)")
    add.add_argument("name")
    add.add_argument("--role", choices=LAB_ROLES, default="researcher")
    given = add.add_mutually_exclusive_group()
    given.add_argument("--password-stdin", action="store_true", help="read the password from stdin's first line")
    given.add_argument("--no-password", action="store_true",
                       help="set no password (the login authenticates by certificate or the server's own rules)")
    add.set_defaults(handler=_add_user)
    remove = actions.add_parser("remove-user", help="drop a login; its tasks stay, naming it")
    remove.add_argument("name")
    remove.set_defaults(handler=lambda a: _in_transaction(a, lambda c: lab.remove_user(c, a.name)))
    listing = actions.add_parser("users", help="the lab's logins and roles")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_users)
    whoami = actions.add_parser("whoami", help="who this connection acts as, and with which role")
    whoami.set_defaults(handler=_whoami)
    keep = actions.add_parser("keep-password", help="keep this login's password in the desktop keyring")
    keep.add_argument("--password-stdin", action="store_true", help="read the password from stdin's first line")
    keep.set_defaults(handler=_keep_password)


@contextmanager
def _connection(args: argparse.Namespace) -> Iterator[Connection]:
    """One transaction on the database (migrated first), the database's own refusals said in one line."""
    with opened_core(args) as core:
        try:
            with core.store.write_engine.begin() as connection:
                yield connection
        except DBAPIError as exc:
            raise TaskTuneError(f"the database refused it: {str(exc.orig).splitlines()[0]}") from None


def _in_transaction(args: argparse.Namespace, body: Callable[[Connection], object]) -> int:
    with _connection(args) as connection:
        body(connection)
    return 0


def _read_password(from_stdin: bool, confirm: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Again: ") != password:
            raise UsageError("the two passwords differ; nothing was changed")
    else:
        raise UsageError("no terminal to ask for a password: give --password-stdin (or --no-password)")
    if not password:
        raise UsageError("the password is empty; nothing was changed")
    return password


def _add_user(args: argparse.Namespace) -> int:
    password = None if args.no_password else _read_password(args.password_stdin, confirm=True)
    with _connection(args) as connection:
        created = lab.add_user(connection, args.name, args.role, password)
    sys.stderr.write(f"tasktune: {'added' if created else 'updated'} {args.name} as a lab {args.role}\n")
    return 0


def _users(args: argparse.Namespace) -> int:
    with _connection(args) as connection:
        found = lab.users(connection)
    if args.json:
        print_json([{"name": u.name, "role": u.role, "can_log_in": u.can_log_in} for u in found])
        return 0
    for user in found:
        note = "" if user.can_log_in else "\t(cannot log in)"
        print(f"{user.name}\t{user.role}{note}")
    return 0


def _whoami(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        identity = core.store.identity
    print(f"{identity.user}\t{identity.role or 'no lab roles (anyone may do anything)'}")
    return 0


def _keep_password(args: argparse.Namespace) -> int:
    url = args.db or default_db_url()
    password = _read_password(args.password_stdin, confirm=False)
    if not keep_in_keyring(url, password):
        raise TaskTuneError(f"no desktop keyring here (install the keyring library); {WHERE_TO_KEEP}")
    sys.stderr.write("tasktune: the password is in your desktop keyring; TaskTune reads it when it connects\n")
    return 0
