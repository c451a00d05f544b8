"""A one-node Slurm cluster of the tests' own: a generated slurm.conf in a temp folder, free ports, a private
munged, slurmctld and slurmd in the foreground; stopped (every process) at the end."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.slurm.submitter import SlurmSubmitter, SubmitConfig
from tests.support.components import require_component
from tests.support.runs import add_task, console, sections
from tests.support.slurm_accounting import Accounting, accounting_available
from tests.support.waiting import wait_until

NODE = "ttnode1"
PARTITION = "debug"
SLOTS = 2  # CPUs of the node: two one-CPU jobs at once


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def slurm_available() -> tuple[bool, str]:
    missing = [name for name in ("slurmctld", "slurmd", "munged", "sbatch", "squeue") if not shutil.which(name)
               and not Path("/usr/sbin", name).exists()]
    if missing:
        return False, f"missing {', '.join(missing)} (apt-get install slurm-wlm munge)"
    if os.geteuid() != 0:
        return False, "slurmd must run as root to start jobs"
    return True, ""


class SlurmCluster:
    """munged, slurmctld and slurmd of one node; `env` is what a Slurm client needs (SLURM_CONF)."""

    def __init__(self, folder: Path, node: str = NODE, enforce_memory: bool = False,
                 accounting: Accounting | None = None, min_job_age: int = 300) -> None:
        self.folder = folder
        self.min_job_age = min_job_age  # how long squeue lists a finished job
        self.node = node
        self.enforce_memory = enforce_memory
        self.accounting = accounting
        self.conf = folder / "slurm.conf"
        self.munge_socket = folder / "munge" / "munge.socket"
        self.processes: list[subprocess.Popen[bytes]] = []
        self._dbd: subprocess.Popen[bytes]  # slurmdbd, with accounting

    @property
    def env(self) -> dict[str, str]:
        return {"SLURM_CONF": str(self.conf)}

    def client_env(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def _write_conf(self) -> None:
        for name in ("state", "spool", "munge"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        (self.folder / "munge").chmod(0o711)  # the socket is reached by every user
        f = self.folder
        task_plugin, select, memory = "task/none", "CR_CPU", ""
        if self.enforce_memory:  # jobs in a memory cgroup of their --mem (DefMemPerCPU without): OUT_OF_MEMORY
            task_plugin, select, memory = "task/cgroup", "CR_CPU_Memory", "DefMemPerCPU=1000\n"
            (f / "cgroup.conf").write_text("CgroupPlugin=cgroup/v1\nCgroupMountpoint=/sys/fs/cgroup\n"
                                           "ConstrainRAMSpace=yes\nConstrainSwapSpace=yes\nAllowedSwapSpace=0\n")
        cluster, storage = "tasktune", "AccountingStorageType=accounting_storage/none\n"
        if self.accounting is not None:
            cluster, storage = "ttacct", self.accounting.conf_lines(self.munge_socket)
        self.conf.write_text(
            f"ClusterName={cluster}\n"
            "SlurmctldHost=localhost(127.0.0.1)\n"
            f"SlurmctldPort={_free_port()}\nSlurmdPort={_free_port()}\n"
            "SlurmUser=root\nSlurmdUser=root\n"
            f"AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket={self.munge_socket}\n"
            f"StateSaveLocation={f / 'state'}\nSlurmdSpoolDir={f / 'spool'}\n"
            f"SlurmctldPidFile={f / 'slurmctld.pid'}\nSlurmdPidFile={f / 'slurmd.pid'}\n"
            f"SlurmctldLogFile={f / 'slurmctld.log'}\nSlurmdLogFile={f / 'slurmd.log'}\n"
            f"ProctrackType=proctrack/linuxproc\nTaskPlugin={task_plugin}\n{memory}"
            "JobAcctGatherType=jobacct_gather/linux\nJobAcctGatherFrequency=1\n"
            f"{storage}JobCompType=jobcomp/none\n"
            f"SelectType=select/cons_tres\nSelectTypeParameters={select}\n"
            "SchedulerType=sched/backfill\nSchedulerParameters=sched_min_interval=100000\n"
            f"ReturnToService=2\nInactiveLimit=0\nKillWait=2\nMinJobAge={self.min_job_age}\nMessageTimeout=30\n"
            "SlurmctldTimeout=60\nSlurmdTimeout=300\nMpiDefault=none\n"
            f"NodeName={self.node} NodeHostname=localhost NodeAddr=127.0.0.1 CPUs={SLOTS} RealMemory=4000 "
            "State=UNKNOWN\n"
            f"PartitionName={PARTITION} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP\n"
        )

    def _spawn(self, argv: list[str], log: str) -> None:
        with open(self.folder / log, "ab") as out:
            self.processes.append(subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                                   env=self.client_env(), start_new_session=True))

    def start(self) -> None:
        self._write_conf()
        key = self.folder / "munge" / "munge.key"
        subprocess.run(["mungekey", "--create", f"--keyfile={key}"], check=True, capture_output=True)
        key.chmod(0o400)
        munge = self.folder / "munge"
        self._spawn(["munged", "-F", "-f", f"--socket={self.munge_socket}", f"--key-file={key}",
                     f"--pid-file={munge / 'munged.pid'}", f"--log-file={munge / 'munged.log'}",
                     f"--seed-file={munge / 'munged.seed'}"], "munged.out")
        wait_until(self.munge_socket.exists, 30, "munged's socket")
        if self.accounting is not None:
            self._start_accounting(self.accounting)
        self._spawn(["slurmctld", "-D", "-i", "-f", str(self.conf)], "slurmctld.out")
        self._spawn(["slurmd", "-D", "-N", self.node, "-f", str(self.conf)], "slurmd.out")
        wait_until(lambda: self.node_state() == "idle", 60, "the Slurm node idle (see slurmctld.log, slurmd.log)")

    def _start_accounting(self, accounting: Accounting) -> None:
        """MariaDB, then slurmdbd (with this munged), then the cluster registered, before slurmctld starts."""
        accounting.install_database()
        self._spawn(accounting.database_argv(), "mariadb.out")
        accounting.wait_database()
        accounting.write_dbd_conf(self.munge_socket)
        self.start_dbd()
        said: list[str] = []

        def registered() -> bool:
            done = subprocess.run(["sacctmgr", "-i", "add", "cluster", "ttacct"], env=self.client_env(),
                                  capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
            said[:] = [done.stdout + done.stderr]
            return done.returncode == 0

        wait_until(registered, 60, f"the cluster registered with slurmdbd (sacctmgr: {said})")

    def start_dbd(self) -> None:
        assert self.accounting is not None
        self._spawn(["slurmdbd", "-D"], "slurmdbd.out")
        self._dbd = self.processes[-1]
        self.accounting.wait_dbd()

    def stop_dbd(self) -> None:
        """slurmdbd stopped (an accounting outage): slurmctld keeps running and keeps the records for later."""
        os.killpg(self._dbd.pid, signal.SIGTERM)
        self._dbd.wait(60)
        self.processes.remove(self._dbd)

    def node_state(self) -> str:
        for process in self.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} ended: see {self.folder}")
        done = subprocess.run(["sinfo", "-h", "-N", "-n", self.node, "-o", "%T"], env=self.client_env(),
                              capture_output=True, text=True, check=False)
        return done.stdout.strip()

    def run(self, *argv: str) -> str:
        """A Slurm command (scontrol, squeue...) against this cluster; its output."""
        return subprocess.run(list(argv), env=self.client_env(), capture_output=True, text=True,
                              check=True).stdout

    def lists(self, job_id: str) -> bool:
        """Whether squeue still lists the job (finished ones for MinJobAge)."""
        return job_id in self.run("squeue", "-h", "--states=all", "-o", "%i").split()

    def node_back(self) -> None:
        """After a test set the node down: it serves jobs again (slurmd answers, ReturnToService brings it back;
        a resume where it stays down)."""
        def idle() -> bool:
            state = self.node_state()
            if state.startswith(("down", "drain")):
                subprocess.run(["scontrol", "update", f"nodename={self.node}", "state=resume"], env=self.client_env(),
                               capture_output=True, check=False)
            return state == "idle"

        wait_until(idle, 60, "the Slurm node idle again")

    def cancel_all(self) -> None:
        """Between tests: no job of one test holds the node for the next."""
        ids = self.run("squeue", "-h", "-o", "%i").split()
        if ids:
            subprocess.run(["scancel", *ids], env=self.client_env(), capture_output=True, check=False)
        wait_until(lambda: not self.run("squeue", "-h", "-o", "%i").split(), 60, "the cluster's queue empty")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(30)
        self.processes.clear()
        if self.enforce_memory:  # slurmd leaves its (empty) cgroup folders behind
            for top in Path("/sys/fs/cgroup").glob(f"*/slurm_{self.node}"):
                for folder, _, _ in sorted(os.walk(top), reverse=True):  # the deepest first
                    with contextlib.suppress(OSError):
                        os.rmdir(folder)


def hold_task(core: Core, repo: Path, queue: str, hold: Path, code: int = 0) -> str:
    """A task of the hold repository (conftest's HOLD_SCRIPT): prints "started", ends once `hold` exists."""
    return add_task(core, repo, queue=queue, entry_point="hold.py", hyperparameters=sections(
        {"Args": {"hold": str(hold), "code": str(code)}}))


def memory_cgroups_available() -> tuple[bool, str]:
    """Whether slurmd can put jobs in memory cgroups here (cgroup v1's memory hierarchy, writable by root)."""
    memory = Path("/sys/fs/cgroup/memory")
    if not (memory / "memory.limit_in_bytes").exists():
        return False, "no cgroup v1 memory hierarchy at /sys/fs/cgroup/memory (the tests' slurmd uses cgroup/v1)"
    probe = memory / f"tasktune-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        return False, f"cannot create a memory cgroup: {exc}"
    return True, ""


@contextmanager
def slurm_cluster(folder: Path, enforce_memory: bool = False, accounting: bool = False) -> Iterator[SlurmCluster]:
    """The session's cluster; with `enforce_memory` one whose node puts jobs in memory cgroups, with `accounting`
    one with slurmdbd and MariaDB (each a cluster of its own, beside the session's, that forgets finished jobs after
    2 s as a busy cluster does: the session's keeps them 300 s)."""
    available, why = slurm_available()
    require_component("Slurm", available, why)
    node = NODE
    if enforce_memory:
        available, why = memory_cgroups_available()
        require_component("memory cgroups for Slurm", available, why)
        node = f"ttmem{os.getpid()}"  # slurmd's cgroup folders (slurm_<node>) are not another session's
    if accounting:
        available, why = accounting_available()
        require_component("Slurm accounting", available, why)
    cluster = SlurmCluster(folder, node, enforce_memory, Accounting(folder) if accounting else None,
                           2 if enforce_memory or accounting else 300)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@contextmanager
def running_submitter(core: Core, config: SubmitConfig) -> Iterator[SlurmSubmitter]:
    """`tasktune worker --slurm` in a thread of the test, stopped (and its thread joined) at the end."""
    submitter = SlurmSubmitter(core, config)
    thread = threading.Thread(target=submitter.serve, name="slurm-submitter", daemon=True)
    thread.start()
    try:
        yield submitter
    finally:
        submitter.stop()
        thread.join(60)
        assert not thread.is_alive(), "the submit process did not stop"


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlurmCluster]:
    """A one-node cluster for the whole session (a fixture for the folders that run Slurm jobs)."""
    with slurm_cluster(tmp_path_factory.mktemp("slurm")) as started:
        yield started


def use_cluster(monkeypatch: pytest.MonkeyPatch, cluster: SlurmCluster) -> None:
    """The cluster's SLURM_CONF (and its private munged) in this test's environment."""
    for name, value in cluster.env.items():
        monkeypatch.setenv(name, value)


def job_of_started_task(core: Core, config: SubmitConfig, task_id: str) -> str:
    """A submit process runs until the task says it started (hold_task's script), then stops: the task's job id."""
    with running_submitter(core, config):
        wait_until(lambda: "started" in console(core, task_id), 60, "the task's first line", core=core)
    return str(core.task_json(task_id)["slurm_job_id"])


@pytest.fixture
def slurm(cluster: SlurmCluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlurmCluster]:
    """The session's cluster, its SLURM_CONF in this test's environment; no job left for the next test."""
    use_cluster(monkeypatch, cluster)
    yield cluster
    cluster.cancel_all()
