"""`tasktune worker --slurm --queue NAME`: the submit process, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.execution.slurm.binding import check_database_reach
from tasktune_gui.execution.slurm.submitter import SlurmSubmitter, SubmitConfig
from tasktune_gui.execution.worker.worker import WorkerConfig


def serve_slurm(core: Core, config: WorkerConfig, args: argparse.Namespace) -> int:
    if args.once or config.docker is not None:
        raise TaskTuneError("--slurm takes no --once or --docker (each job runs one task)")
    unbound = [name for name in config.queues if core.queues.slurm_options(name) is None]
    if unbound:
        raise TaskTuneError(f"queue(s) {', '.join(unbound)} are not on Slurm: bind them with "
                            f"`tasktune queue set NAME --slurm PARTITION`")
    check_database_reach(core, config.queues)
    submitter = SlurmSubmitter(core, SubmitConfig(
        queues=config.queues, db_url=core.store.url, state_dir=args.slurm_dir or config.cache_dir / "slurm",
        cache_dir=config.cache_dir, worker_id=config.worker_id, abort_grace=config.abort_grace,
        heartbeat=config.heartbeat_interval, watchdog_timeout=config.watchdog_timeout))

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        submitter.stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    print(f"worker {submitter.id} submitting {', '.join(config.queues)} to Slurm", file=sys.stderr)
    try:
        submitter.serve()  # the jobs go on without it; a restart finds them again
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
