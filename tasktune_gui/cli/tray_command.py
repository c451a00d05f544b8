"""`tasktune tray`: a worker with a system-tray icon; a console worker where no tray host runs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tasktune_gui.cli import worker_command
from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import QueueNotFound, TaskTuneError
from tasktune_gui.core.passwords import WHERE_TO_KEEP, has_password
from tasktune_gui.core.settings import default_db_url
from tasktune_gui.execution.worker import autostart


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "tray", help="run tasks from queues, with an icon in the system tray",
        description="A worker with a system-tray icon (idle, busy, paused, error) and a menu of its running tasks. "
                    "Without a tray host it runs as `tasktune worker` does; on Slurm queues it runs the submit "
                    "process as `tasktune worker --slurm` does.")
    worker_command.add_arguments(parser, once=False)
    parser.add_argument("--autostart", choices=("on", "off"), default=None,
                        help="on: start this tray worker (with these options) at login; off: stop doing so; "
                             "then exit")
    parser.set_defaults(handler=handle, func=handle)
    return parser


def saved_arguments(args: argparse.Namespace) -> list[str]:
    """The options an autostart entry repeats: queues, slots, GPUs, worker id."""
    saved: list[str] = []
    for queue in dict.fromkeys(args.queues or ["default"]):
        saved += ["--queue", queue]
    if args.gpus:
        saved += ["--gpus", args.gpus]
    elif args.slots != 1:
        saved += ["--slots", str(args.slots)]
    if args.worker_id:
        saved += ["--id", args.worker_id]
    if args.slurm:
        saved.append("--slurm")
    return saved


def handle(args: argparse.Namespace) -> int:
    db_url = getattr(args, "db", None) or default_db_url()
    argv = autostart.tray_argv(db_url, saved_arguments(args))
    if args.autostart == "on":
        print(autostart.enable(argv))
        if has_password(db_url):
            print(f"tasktune: the database password was not saved in the autostart entry; {WHERE_TO_KEEP}",
                  file=sys.stderr)
        return 0
    if args.autostart == "off":
        removed = autostart.disable()
        print(f"{'removed' if removed else 'there was no'} {autostart.autostart_path()}", file=sys.stderr)
        return 0
    try:
        config = worker_command.config_from(args)
        config.kind = "tray"
        core = Core.open(db_url)
    except TaskTuneError as exc:
        print(f"tasktune tray: {exc}", file=sys.stderr)
        return 1
    try:
        if args.slurm or _on_slurm(core, config.queues):
            # The submit process has no slots to show: it runs as `worker --slurm` does, the same engine.
            from tasktune_gui.cli.slurm_worker import serve_slurm

            print("tasktune tray: the Slurm submit process runs without a tray icon", file=sys.stderr, flush=True)
            return serve_slurm(core, config, args)
        app = _tray_app()
        if app is None:
            print("tasktune tray: no system tray here (no display or no tray host); running as a console worker",
                  file=sys.stderr, flush=True)
            config.kind = "local"
            return worker_command.serve(core, config, args)
        from tasktune_gui.execution.worker.worker import Worker
        from tasktune_gui.ui.window.tray_app import run_tray

        for name in config.queues:
            if core.queues.ensure(name):
                print(f"created queue '{name}'", file=sys.stderr)
        return run_tray(app, core, Worker(core, config), argv)
    except TaskTuneError as exc:
        print(f"tasktune tray: {exc}", file=sys.stderr)
        return 1
    finally:
        core.close()


def _slurm_queue(core: Core, name: str) -> bool:
    try:
        return core.queues.slurm_options(name) is not None
    except QueueNotFound:  # the tray creates the queues it is told to watch (plain ones)
        return False


def _on_slurm(core: Core, queues: list[str]) -> bool:
    """Whether the tray's queues are Slurm queues (then it submits their tasks as jobs); a mix is refused."""
    bound = [name for name in queues if _slurm_queue(core, name)]
    if bound and len(bound) != len(queues):
        local = [name for name in queues if name not in bound]
        raise TaskTuneError(f"queue(s) {', '.join(bound)} run on Slurm and {', '.join(local)} here: start one tray "
                            "for each")
    return bool(bound)


def _tray_app() -> Any:
    """A QApplication when a display with a tray host is there, else None (and no Qt abort on a bare machine)."""
    from tasktune_gui.app import has_display

    if not has_display():
        return None
    try:
        from PySide6.QtWidgets import QApplication, QSystemTrayIcon
    except ImportError:
        return None
    from tasktune_gui.ui.window.binding_check import check_binding

    check_binding()  # refused (one line, exit 1) before the tray is built, not crashed an hour into a run
    from tasktune_gui.ui.window.identity import identify, identify_version

    app = QApplication.instance() or QApplication(sys.argv[:1])
    identify()
    identify_version()
    return app if QSystemTrayIcon.isSystemTrayAvailable() else None
