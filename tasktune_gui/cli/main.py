"""The `tasktune` command: parser, dispatch, and one-line errors with the documented exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from tasktune_gui.cli import admin_commands, task_commands
from tasktune_gui.cli.common import UsageError
from tasktune_gui.core.errors import TaskTuneError

EXIT_REFUSED = 1
EXIT_USAGE = 2

EPILOG = """exit codes: 0 done; 1 the operation was refused or failed (nothing was changed);
2 the command line was wrong (nothing was changed).
Task ids may be shortened to a unique prefix of four or more characters."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr, as every other error is."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("tasktune").strip()
        hint = f" (see tasktune {command + ' ' if command else ''}--help)"
        self.exit(EXIT_USAGE, f"tasktune: error: {message}{hint}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="tasktune",
        description="Clone, tune, enqueue and run machine-learning tasks. With no command, opens TaskTune.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", default=None, metavar="URL",
                        help="database URL (SQLAlchemy); default $TASKTUNE_DB, else a file in your data folder")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    task_commands.add_parsers(commands)
    admin_commands.add_parsers(commands)
    _add_worker(commands)
    return parser


def _add_worker(commands: Any) -> None:
    # Imported here: the engine is only needed when a worker runs.
    from tasktune_gui.cli import worker_command

    worker_command.add_parser(commands)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from tasktune_gui.app import run

            return run(args.db)
        code: int = args.handler(args)
        return code
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
    except Exception as exc:  # an unexpected failure still ends with one line
        if os.environ.get("TASKTUNE_DEBUG"):
            traceback.print_exc()
        return _fail(EXIT_REFUSED, f"unexpected {type(exc).__name__}: {exc} (TASKTUNE_DEBUG=1 shows details)")


def _fail(code: int, message: str) -> int:
    first_line = " ".join(message.split("\n")[0].split()) if message else "failed"
    sys.stderr.write(f"tasktune: error: {first_line}\n")
    return code


def run() -> NoReturn:
    sys.exit(main())


if __name__ == "__main__":
    run()
