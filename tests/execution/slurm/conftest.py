"""Fixtures for Slurm runs: one cluster for the whole session, its queue emptied after each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.execution.slurm.submitter import SlurmSubmitter, SubmitConfig
from tests.support import slurm as slurm_support
from tests.support.git import make_repo
from tests.support.slurm import PARTITION, SlurmCluster, running_submitter, slurm_cluster

cluster = slurm_support.cluster  # the session's one-node cluster, and each test's view of it: fixtures here
slurm = slurm_support.slurm


@pytest.fixture(scope="session")
def forgetful_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlurmCluster]:
    """A second one-node cluster whose node puts each job in a memory cgroup of its --mem, with no accounting, that
    forgets finished jobs after 2 s (started only for the tests that need it: about a second)."""
    with slurm_cluster(tmp_path_factory.mktemp("slurm-memory"), enforce_memory=True) as started:
        yield started


@pytest.fixture(scope="session")
def accounting_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlurmCluster]:
    """A one-node cluster with accounting (slurmdbd on a throwaway MariaDB) whose finished jobs leave squeue after
    2 s; started only for the tests that need it."""
    with slurm_cluster(tmp_path_factory.mktemp("slurm-accounting"), accounting=True) as started:
        yield started


@pytest.fixture
def hpc(sqlite_core: Core) -> str:
    """A queue bound to the test cluster's partition, one CPU per job (two jobs at once on its node)."""
    sqlite_core.queues.create("hpc", slurm=SlurmOptions(PARTITION, cpus="1", time="5"))
    return "hpc"


@pytest.fixture
def submit_config(sqlite_core: Core, hpc: str, tmp_path: Path) -> SubmitConfig:
    return SubmitConfig(queues=[hpc], db_url=sqlite_core.store.url, state_dir=tmp_path / "slurm-state",
                        cache_dir=tmp_path / "cache", poll=0.2, abort_grace=3.0)


@pytest.fixture
def submitter(sqlite_core: Core, submit_config: SubmitConfig, slurm: SlurmCluster) -> Iterator[SlurmSubmitter]:
    with running_submitter(sqlite_core, submit_config) as started:
        yield started


# Prints "started", then waits for the file its --hold argument names (the test creates it to let it end).
HOLD_SCRIPT = '''\
import argparse, pathlib, sys, time
parser = argparse.ArgumentParser()
parser.add_argument("--hold", default="")
parser.add_argument("--code", type=int, default=0)
args = parser.parse_args()
print("started", flush=True)
deadline = time.monotonic() + 300
while args.hold and not pathlib.Path(args.hold).exists() and time.monotonic() < deadline:
    time.sleep(0.05)
print("released", flush=True)
sys.exit(args.code)
'''


@pytest.fixture
def hold_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "hold-source", {"hold.py": HOLD_SCRIPT})

