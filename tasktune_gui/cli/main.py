"""The `tasktune` command: parser, dispatch, and one-line errors with the documented exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

# Only light modules here: `tasktune` alone opens the window, whose frame is shown before the core's
# libraries load; the commands (and through them the core) are imported when the parser is built.
from tasktune_gui.cli.errors import UsageError, one_line
from tasktune_gui.core.errors import TaskTuneError

EXIT_REFUSED = 1
EXIT_USAGE = 2

EPILOG = """exit codes: 0 done; 1 the operation was refused or failed (nothing was changed);
2 the command line was wrong: an unknown option, a value of the wrong form (a --param without '=',
  a malformed --db URL), an @FILE that cannot be read (nothing was changed).
Errors are one line on stderr, starting "tasktune: error:"; TASKTUNE_DEBUG=1 adds the traceback of an
unexpected one. Commands that create something print the new id alone on stdout, after it is committed:
they exit 0 even when the id cannot be printed (a full disk, a closed pipe), which they say on stderr.
Task ids may be shortened to a unique prefix of four or more characters."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr, as every other error is."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("tasktune").strip()
        hint = f" (see tasktune {command + ' ' if command else ''}--help)"
        self.exit(EXIT_USAGE, f"tasktune: error: {one_line(message)}{hint}\n")


def build_parser() -> argparse.ArgumentParser:
    from tasktune_gui.cli import (
        admin_commands,
        desktop_command,
        host_commands,
        lab_commands,
        store_commands,
        sweep_commands,
        task_commands,
    )
    from tasktune_gui.core.about import version_line

    parser = OneLineParser(
        prog="tasktune",
        description="Clone, tune, enqueue and run machine-learning tasks. With no command, opens TaskTune.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", default=None, metavar="URL",
                        help="database URL (SQLAlchemy); default $TASKTUNE_DB, else a file in your data folder")
    parser.add_argument("--version", action="version", version=version_line(),
                        help="TaskTune's version and its database schema's, then exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    task_commands.add_parsers(commands)
    admin_commands.add_parsers(commands)
    host_commands.add_parsers(commands)
    store_commands.add_parsers(commands)
    lab_commands.add_parsers(commands)
    sweep_commands.add_parsers(commands)
    desktop_command.add_parser(commands)
    _add_worker(commands)
    return parser


def _add_worker(commands: Any) -> None:
    # Imported here: the engine is only needed when a worker runs.
    from tasktune_gui.cli import tray_command, worker_command

    worker_command.add_parser(commands)
    tray_command.add_parser(commands)


# Options whose value is itself a command line: `--args --verbose` must not read --verbose as ours.
COMMAND_LINE_OPTIONS = ("--args", "--container-args", "--docker-args")


def glue_command_line_values(argv: Sequence[str]) -> list[str]:
    """`--args --verbose` → `--args=--verbose`, so a value that starts with a dash is taken as the value."""
    glued: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            glued.append(token)
            glued.extend(tokens)
            break
        if token in COMMAND_LINE_OPTIONS:
            value = next(tokens, None)
            glued.append(token if value is None else f"{token}={value}")
        else:
            glued.append(token)
    return glued


def window_only(argv: Sequence[str]) -> tuple[bool, str | None]:
    """Whether the command line is `tasktune` or `tasktune --db URL` (the window), and the URL given."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db="):
        return True, argv[0].removeprefix("--db=")
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    window, db = window_only(given)
    if window:  # no parser to build: its commands would load the core before the window is shown
        return _guarded(lambda: _open_window(db))
    try:  # Ctrl-C while the commands' modules load
        args = build_parser().parse_args(glue_command_line_values(given))
    except KeyboardInterrupt:
        return _fail(130, "interrupted")

    def command() -> int:
        if args.command is None:
            return _open_window(args.db)
        check_db_url(args.db)
        code: int = args.handler(args)
        return code

    return _guarded(command)


def _guarded(command: Callable[[], int]) -> int:
    """The command's exit code, with every error said in one line and mapped to the documented codes."""
    try:
        return command()
    except UsageError as exc:
        return _fail(EXIT_USAGE, str(exc))
    except TaskTuneError as exc:
        return _fail(EXIT_REFUSED, str(exc))
    except KeyboardInterrupt:
        return _fail(130, "interrupted")
    except BrokenPipeError:
        # `tasktune log ID | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file the system refused (the database is a folder, no permission...)
        where = f": '{exc.filename}'" if exc.filename else ""
        return _fail(EXIT_REFUSED, f"{exc.strerror or exc}{where}")
    except Exception as exc:  # an unexpected failure still ends with one line
        if os.environ.get("TASKTUNE_DEBUG", "") not in ("", "0"):
            traceback.print_exc()
        return _fail(EXIT_REFUSED, f"unexpected {type(exc).__name__}: {exc} (TASKTUNE_DEBUG=1 shows details)")


def check_db_url(given: str | None) -> None:
    """A malformed URL is a usage error, said before any database is touched."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from tasktune_gui.core.settings import default_db_url

    url = given or default_db_url()
    where = "--db" if given else "$TASKTUNE_DB"
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 (parsed lazily: a port that is not a number fails here)
        backend = parsed.get_backend_name()
    except (ArgumentError, ValueError):
        raise UsageError(f"{where} '{url}' is not a database URL (for example sqlite:////home/me/tasktune.db "
                         "or postgresql+psycopg://user@host/tasktune); a port must be a number") from None
    if backend not in ("sqlite", "postgresql"):
        raise UsageError(f"{where}: TaskTune works with SQLite and PostgreSQL databases, not '{backend}'")
    if backend == "sqlite":
        check_sqlite_path(where, parsed.database)


def check_sqlite_path(where: str, database: str | None) -> None:
    """A SQLite database is a file that outlives the command: not memory, not a device."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise UsageError(f"{where}: an in-memory SQLite database would be lost when the command ends; "
                         "give a file, such as sqlite:////home/me/tasktune.db")
    path = Path(database).expanduser()
    if path.exists() and not path.is_file() and not path.is_dir():  # a folder is said when it is opened
        raise UsageError(f"{where}: '{database}' is not a regular file")


def _open_window(db_url: str | None) -> int:
    unavailable = "every command works without it: tasktune --help"
    try:
        from tasktune_gui.app import run
    except ImportError as exc:
        return _fail(EXIT_REFUSED, f"the window is not available in this installation ({exc}); {unavailable}")
    if db_url is not None and "://" not in db_url:
        check_db_url(db_url)  # not a URL at all: said here, before a window opens to say it
    try:
        return run(db_url, check=lambda: check_db_url(db_url))
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != "PySide6":
            raise
        return _fail(EXIT_REFUSED, f"the window needs PySide6, which is not installed here; {unavailable}")


def _fail(code: int, message: str) -> int:
    sys.stderr.write(f"tasktune: error: {one_line(message)}\n")
    return code


def run() -> NoReturn:
    sys.exit(main())


if __name__ == "__main__":
    run()
