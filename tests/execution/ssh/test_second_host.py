"""A second host: an sshd in a network namespace of its own, reached directly on port 22 and through ProxyJump."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.components import require_component
from tests.support.git import make_repo
from tests.support.netns import NetworkNamespace, namespaces_possible
from tests.support.runs import add_task, status
from tests.support.sshd import SshServer
from tests.support.waiting import wait_for

# Says which network it runs in and how it was reached, then waits for the gate file the test creates.
WHERE_SCRIPT = '''\
import json, os, sys, time
print(json.dumps({"netns": os.readlink("/proc/self/ns/net"), "ssh": os.environ.get("SSH_CONNECTION", "")}),
      flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
print("done")
'''


@pytest.fixture
def namespace() -> Iterator[NetworkNamespace]:
    require_component("network namespaces", namespaces_possible(), "run as root with iproute2 (ip netns)")
    made = NetworkNamespace()
    try:
        made.create()
    except subprocess.CalledProcessError as exc:
        made.remove()
        require_component("network namespaces", False, f"{' '.join(exc.cmd)}: {exc.stderr.strip()}")
    try:
        yield made
    finally:
        made.remove()


@pytest.fixture
def second_host(tmp_path: Path, namespace: NetworkNamespace, sshd: SshServer) -> Iterator[SshServer]:
    """On the default port, as a lab machine's sshd is (its known_hosts line has no [host]:port)."""
    server = SshServer(tmp_path / "sshd-netns", alias="netlab", address=namespace.address, port=22,
                       netns=namespace.name)
    server.trust_host_key()
    # The same host, reached through the loopback host (the `sshd` fixture) as a jump host.
    with server.ssh_config.open("a") as config:
        config.write(f"Host netlab-jumped\n  HostName {namespace.address}\n  User {server.user}\n"
                     f"  IdentityFile {server.client_key}\n  IdentitiesOnly yes\n"
                     f"  UserKnownHostsFile {server.known_hosts}\n  ProxyJump {sshd.alias}\n")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def serve(
    sqlite_core: Core, sshd: SshServer, second_host: SshServer, tmp_path: Path
) -> Iterator[Callable[[str], None]]:
    """Start a worker for one queue bound to an alias of the second host (one queue: one host it talks to)."""
    workers: list[Worker] = []

    def start(alias: str) -> None:
        sqlite_core.queues.create(alias, ssh_host=alias, remote_dir=str(tmp_path / "remote-far"))
        options = SshOptions(config_files=[sshd.ssh_config, second_host.ssh_config])
        workers.append(Worker(sqlite_core, WorkerConfig(queues=[alias], cache_dir=tmp_path / "cache", ssh=options)))
        workers[-1].start()

    yield start
    for worker in workers:
        worker.stop()


def _repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "source", {"where.py": WHERE_SCRIPT})


def _lines(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id)]


def _start(core: Core, tmp_path: Path, queue: str, gate: Path) -> tuple[str, dict[str, str]]:
    args = {"Args": {"gate": {"value": str(gate), "type": "positional"}}}
    task_id = add_task(core, _repo(tmp_path), queue=queue, entry_point="where.py", hyperparameters=args)
    wait_for(core, lambda: _lines(core, task_id) or status(core, task_id) == "failed", 60, "the start on the host")
    task = core.tasks.get(task_id)
    assert task.status == "running", (task.status_reason, task.status_message)
    where: dict[str, str] = json.loads(_lines(core, task_id)[0])
    return task_id, where


def _finish(core: Core, task_id: str, gate: Path) -> None:
    gate.touch()
    wait_for(core, lambda: status(core, task_id) in ("completed", "failed"), 60, "the end on the host")
    task = core.tasks.get(task_id)
    assert task.status == "completed", (task.status_reason, task.status_message)
    assert _lines(core, task_id)[-1] == "done"


def test_a_task_runs_on_the_host_in_the_namespace(sqlite_core: Core, serve: Callable[[str], None], sshd: SshServer,
                                                  namespace: NetworkNamespace, tmp_path: Path) -> None:
    serve("netlab")
    gate = tmp_path / "gate"
    task_id, where = _start(sqlite_core, tmp_path, "netlab", gate)
    assert where["netns"] == f"net:[{os.stat(f'/run/netns/{namespace.name}').st_ino}]"  # not this machine's
    assert where["netns"] != os.readlink("/proc/self/ns/net")
    client, _port, server, server_port = where["ssh"].split()
    assert (client, server, server_port) == (namespace.gateway, namespace.address, "22")
    assert sshd.sessions() == []  # straight there, not through the loopback host
    _finish(sqlite_core, task_id, gate)
    assert sqlite_core.tasks.get(task_id).host == "netlab"


def test_a_task_reaches_the_host_through_proxy_jump(sqlite_core: Core, serve: Callable[[str], None],
                                                    sshd: SshServer, namespace: NetworkNamespace,
                                                    tmp_path: Path) -> None:
    serve("netlab-jumped")
    gate = tmp_path / "gate"
    task_id, where = _start(sqlite_core, tmp_path, "netlab-jumped", gate)
    assert where["netns"] == f"net:[{os.stat(f'/run/netns/{namespace.name}').st_ino}]"
    assert where["ssh"].split()[2] == namespace.address
    assert len(sshd.sessions()) >= 1  # the jump host carries the connection while the task runs
    _finish(sqlite_core, task_id, gate)
    assert sqlite_core.tasks.get(task_id).host == "netlab-jumped"
