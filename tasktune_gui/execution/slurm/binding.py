"""Which database a Slurm queue's jobs can reach: a server any node reaches, or a SQLite file only when every node
of the queue's partitions is this machine."""

from __future__ import annotations

import socket
import subprocess

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def partition_hosts(partition: str) -> set[str]:
    """The host names of a partition's nodes, as Slurm knows them."""
    done = subprocess.run(["sinfo", "--noheader", "--Node", f"--partition={partition}", "--format=%n"],
                          capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise TaskTuneError(f"cannot read Slurm partition '{partition}': {done.stderr.strip()}")
    return {line.strip() for line in done.stdout.splitlines() if line.strip()}


def check_database_reach(core: Core, queues: list[str]) -> None:
    """Refuse, in one line, a SQLite file for jobs that would run on other machines."""
    if core.store.dialect != "sqlite":
        return
    here = LOCAL_NAMES | {socket.gethostname(), socket.getfqdn()}
    for name in queues:
        options = core.queues.slurm_options(name)
        if options is None:
            continue
        elsewhere = sorted(partition_hosts(options.partition) - here)
        if elsewhere:
            raise TaskTuneError(
                f"queue '{name}' runs jobs on {', '.join(elsewhere)}, which cannot open this SQLite file: use a "
                "database server the nodes reach (--db postgresql://...)")
