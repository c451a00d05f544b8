"""What every command shares: opening the Core, reading @FILE values, typed argument parsers."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tasktune_gui.cli.errors import UsageError as UsageError  # where every command finds them
from tasktune_gui.cli.errors import one_line as one_line
from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import parse_assignment, parse_param
from tasktune_gui.core.errors import InvalidValue

# A configuration, a diff or a requirements list is text a person wrote; past this it is a mistake.
MAX_FILE_BYTES = 16 << 20
MAX_COUNT = 10**12
Handler = Callable[[argparse.Namespace], int]


@contextmanager
def opened_core(args: argparse.Namespace) -> Iterator[Core]:
    core = Core.open(args.db)
    if core.store.read_only:
        sys.stderr.write(f"tasktune: note: {core.store.display_name} is on a read-only disk; opened read-only\n")
    try:
        yield core
    finally:
        core.close()


def read_file(path: str, what: str) -> str:
    """A regular text file's content up to MAX_FILE_BYTES, or a usage error naming it (/dev/zero would never end)."""
    file = Path(path).expanduser()
    try:
        if not stat.S_ISREG(file.stat().st_mode):
            raise UsageError(f"cannot read {what} file '{path}': not a regular file")
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise UsageError(f"{what} file '{path}' is larger than the limit of {MAX_FILE_BYTES >> 20} MB")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise UsageError(f"cannot read {what} file '{path}': {reason}") from None


def at_file(value: str, what: str) -> str:
    """'@path' → the file's text (the documented form for file-valued options)."""
    if not value.startswith("@"):
        raise UsageError(f"{what} takes @FILE (for example @requirements.txt), not '{value}'")
    return read_file(value[1:], what)


# JSON leaves non-ASCII text readable (ensure_ascii=False) but C1 controls and DEL must not reach a terminal
# raw: U+009B is a CSI, so a value could recolour or rewrite the researcher's terminal. JSON escapes C0 itself.
TERMINAL_CONTROLS = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))}


def print_json(value: object) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False).translate(TERMINAL_CONTROLS))


def print_created(new_id: str, what: str) -> None:
    """The new id alone on stdout. What it names is committed already: a stdout that cannot take it (a full
    disk, a closed pipe) is said on stderr and the exit status stays 0, so a retrying script makes no duplicate."""
    try:
        sys.stdout.write(f"{new_id}\n")
        sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError):  # the id still buffered must not fail the exit's flush too
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        with contextlib.suppress(OSError):
            sys.stderr.write(f"tasktune: warning: {what} {new_id} was made, but its id could not be printed: "
                             f"{exc.strerror or exc}\n")


def param_arg(text: str) -> tuple[str, str, str]:
    try:
        return parse_param(text)
    except InvalidValue as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def assignment_arg(what: str) -> Callable[[str], tuple[str, str]]:
    def parse(text: str) -> tuple[str, str]:
        try:
            return parse_assignment(text, what)
        except InvalidValue as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = what  # argparse names the option's type in its messages
    return parse


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive whole number")
    if value > MAX_COUNT:  # the database's integers end at 2**63
        raise argparse.ArgumentTypeError(f"'{text}' is more than {MAX_COUNT:,}")
    return value


def status_list(values: list[str] | None) -> list[str]:
    """`--status a,b --status c` → [a, b, c]."""
    return [part.strip().lower() for value in values or [] for part in value.split(",") if part.strip()]
