"""`tasktune worker`: run a headless worker on the given queues until stopped (or for one task with --once)."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from tasktune_gui.cli.host_commands import add_ssh_config_option
from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.docker.container_args import ALLOWABLE, parse_allow, parse_container_args
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.worker.watchdog import MIN_HEARTBEATS, check_timing
from tasktune_gui.execution.worker.worker import STOP_ABORT, STOP_FINISH, Worker, WorkerConfig


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "worker", help="run tasks from queues", description="Take tasks from queues (first listed first) and run them."
    )
    add_arguments(parser)
    parser.set_defaults(handler=handle, func=handle)
    return parser


def add_arguments(parser: argparse.ArgumentParser, once: bool = True) -> None:
    parser.add_argument("--queue", action="append", dest="queues", metavar="Q", help="a queue to watch (repeatable)")
    parser.add_argument("--slots", type=int, default=1, help="tasks run at the same time")
    parser.add_argument("--gpus", default="", help="comma-separated GPU ids: one slot per GPU (CUDA_VISIBLE_DEVICES)")
    if once:
        parser.add_argument("--once", action="store_true", help="take one task if there is one, run it, exit")
        parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="with --once: wait for a task")
    else:
        parser.set_defaults(once=False, wait=0.0)
    parser.add_argument("--id", dest="worker_id", default=None, help="a stable worker id (cleans up after a crash)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="mirrors, environments and run folders")
    parser.add_argument("--heartbeat", type=float, default=2.0, metavar="SECONDS", help=argparse.SUPPRESS)
    # Tests set it very long so that only a wake-up (NOTIFY, data_version) can start a task quickly.
    parser.add_argument("--fallback-poll", type=float, default=1.0, metavar="SECONDS", help=argparse.SUPPRESS)
    parser.add_argument("--watchdog-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="a task whose worker is silent this long (and longer than that worker's own "
                             f"timeout) is marked Failed 'worker lost'; at least {MIN_HEARTBEATS} heartbeats "
                             "(10 s)")
    parser.add_argument("--abort-grace", type=float, default=10.0, metavar="SECONDS",
                        help="between SIGTERM and SIGKILL when a task is aborted")
    parser.add_argument("--on-stop", choices=(STOP_ABORT, STOP_FINISH), default=STOP_ABORT,
                        help="on SIGTERM/Ctrl-C: abort running tasks (default) or let them finish")
    docker = parser.add_argument_group("Docker mode")
    docker.add_argument("--docker", nargs="?", const="", default=None, metavar="DEFAULT_IMAGE",
                        help="run every task in a container of its image (else DEFAULT_IMAGE); never pulls")
    docker.add_argument("--docker-args", default="", metavar='"ARGS..."',
                        help="docker run options of this worker for every container, e.g. \"--shm-size 8g\"")
    docker.add_argument("--docker-allow", action="append", default=[], metavar="NAMES",
                        help=f"task container arguments to allow, comma-separated: {', '.join(sorted(ALLOWABLE))}")
    docker.add_argument("--docker-keep", action="store_true", help="keep stopped containers (debugging)")
    add_ssh_config_option(parser)
    slurm = parser.add_argument_group("Slurm")
    slurm.add_argument("--slurm", action="store_true",
                       help="submit each task of the (Slurm-bound) queues as a Slurm job; the job runs it")
    slurm.add_argument("--slurm-dir", type=Path, default=None, metavar="DIR",
                       help="job scripts, Slurm's output and exit files, on a folder the nodes share "
                            "(default: slurm/ in the cache folder)")
    parser.add_argument("--env-cache-gb", type=float, default=None, metavar="GB",
                        help="the Python environments kept here (and in Docker mode's volume): the size past which "
                             "the least recently used are removed (default 20)")
    parser.add_argument("--tree-cache-gb", type=float, default=None, metavar="GB",
                        help="the checked-out commits kept here to copy into runs, likewise (default 5)")
    parser.add_argument("--model-cache-gb", type=float, default=None, metavar="GB",
                        help="input models downloaded from buckets (s3://, gs://, azure://), likewise (default 20)")
    parser.add_argument("--host-cache-gb", type=float, default=None, metavar="GB",
                        help="on each SSH host: the size past which the least recently used commit trees and "
                             "environments are removed (default 50)")


def config_from(args: argparse.Namespace) -> WorkerConfig:
    queues = list(dict.fromkeys(args.queues or ["default"]))
    gpus = [gpu.strip() for gpu in (args.gpus or "").split(",")] if args.gpus else []
    if any(not gpu for gpu in gpus):
        raise TaskTuneError(f"--gpus '{args.gpus}' has an empty GPU id: give ids like 0,1 (or leave --gpus out)")
    if args.slots < 1:
        raise TaskTuneError("--slots must be at least 1")
    check_timing(args.heartbeat, args.watchdog_timeout)
    config = WorkerConfig(
        queues=queues,
        slots=args.slots,
        gpus=gpus,
        worker_id=args.worker_id,
        heartbeat_interval=args.heartbeat,
        fallback_poll=args.fallback_poll,
        watchdog_timeout=args.watchdog_timeout,
        abort_grace=args.abort_grace,
        on_stop=args.on_stop,
    )
    if args.cache_dir is not None:
        config.cache_dir = args.cache_dir
    if args.docker is not None:
        config.docker = docker_config(args)
    elif args.docker_args or args.docker_allow or args.docker_keep:
        raise TaskTuneError("--docker-args, --docker-allow and --docker-keep need --docker")
    if args.ssh_config is not None:  # for queues bound to an SSH host
        config.ssh = SshOptions(config_files=[args.ssh_config])
    if args.env_cache_gb is not None:
        config.env_max_bytes = gigabytes(args.env_cache_gb, "--env-cache-gb")
        if config.docker is not None:
            config.docker = dataclasses.replace(config.docker, env_max_bytes=config.env_max_bytes)
    if args.tree_cache_gb is not None:
        config.tree_max_bytes = gigabytes(args.tree_cache_gb, "--tree-cache-gb")
    if args.model_cache_gb is not None:
        config.model_max_bytes = gigabytes(args.model_cache_gb, "--model-cache-gb")
    if args.host_cache_gb is not None:
        config.ssh = dataclasses.replace(config.ssh,
                                         host_cache_max_bytes=gigabytes(args.host_cache_gb, "--host-cache-gb"))
    return config


def gigabytes(value: float, option: str) -> int:
    if value <= 0:
        raise TaskTuneError(f"{option} must be more than 0")
    return int(value * 1024**3)


def docker_config(args: argparse.Namespace) -> DockerConfig:
    try:
        allow = parse_allow(",".join(args.docker_allow))
        parse_container_args(args.docker_args, Path.cwd(), None)  # a typo is reported now, not on every task
    except (ValueError, StepFailed) as exc:
        raise TaskTuneError(f"--docker-args/--docker-allow: {exc}") from None
    return DockerConfig(default_image=args.docker.strip(), args=args.docker_args, allow=allow,
                        keep_containers=args.docker_keep)


def handle(args: argparse.Namespace, core: Core | None = None) -> int:
    """0 whatever the task's outcome; 1 only when the worker itself cannot work."""
    try:
        config = config_from(args)
        core = core or Core.open(getattr(args, "db", None))
    except TaskTuneError as exc:
        print(f"tasktune worker: {exc}", file=sys.stderr)
        return 1
    try:
        if getattr(args, "slurm", False):
            from tasktune_gui.cli.slurm_worker import serve_slurm

            return serve_slurm(core, config, args)
        return serve(core, config, args)
    except TaskTuneError as exc:
        print(f"tasktune worker: {exc}", file=sys.stderr)
        return 1
    finally:
        core.close()


def serve(core: Core, config: WorkerConfig, args: argparse.Namespace) -> int:
    """Until SIGTERM or Ctrl-C (or one task with --once)."""
    if config.docker is not None:
        from tasktune_gui.execution.docker.container import check_engine  # the docker SDK only in Docker mode

        try:
            check_engine()
        except StepFailed as exc:
            raise TaskTuneError(f"{exc.reason} ({exc.detail.splitlines()[0] if exc.detail else ''})") from None
    for name in config.queues:
        if core.queues.ensure(name):
            print(f"created queue '{name}'", file=sys.stderr)
    worker = Worker(core, config)
    stop_requested = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop_requested.set()
        if args.once:
            worker.stop_soon()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if args.once:
            worker.run_once(args.wait)
        else:
            worker_id = worker.start()
            mode = "" if config.docker is None else f" in Docker ({config.docker.default_image or 'task images'})"
            print(f"worker {worker_id} watching {', '.join(config.queues)} with {config.slot_count} slot(s){mode}",
                  file=sys.stderr)
            while not stop_requested.wait(1.0):
                pass
    finally:
        worker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (`python -m tasktune_gui.cli.worker_command`), for when the full CLI is not at hand."""
    parser = argparse.ArgumentParser(prog="tasktune worker")
    parser.add_argument("--db", default=None)
    add_arguments(parser)
    logging.basicConfig(level=logging.WARNING)
    return handle(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
