"""A dropped connection mid-task, an abort on the host, and the ways a host can refuse: real sshd throughout."""

from __future__ import annotations

import os
from pathlib import Path

import psutil

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import make_repo
from tests.support.processes import group_alive
from tests.support.runs import add_task, status
from tests.support.sshd import SshServer, keygen
from tests.support.waiting import wait_for

# Prints 1..50, waits for a file the test creates, prints 51..100: the drop happens between the halves.
GATED_SCRIPT = '''\
import os, sys, time
for i in range(1, 51):
    print(i)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
for i in range(51, 101):
    print(i)
'''
# Starts a helper in its own process group's reach, says so, then waits to be aborted.
LONG_SCRIPT = '''\
import signal, subprocess, sys, time
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
escaped = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
def cleanup(*_):
    print("cleaning up", flush=True)  # SIGTERM comes first: the task may save its state before it goes
    sys.exit(3)
signal.signal(signal.SIGTERM, cleanup)
print("started", helper.pid, escaped.pid, flush=True)
time.sleep(600)
'''


def _repo(tmp_path: Path, script: str) -> Path:
    return make_repo(tmp_path / "source", {"job.py": script})


def _stdout(core: Core, task_id: str) -> list[str]:
    return [line.text for line in core.results.console(task_id) if line.stream == "stdout"]


def _ended(core: Core, task_id: str) -> bool:
    return status(core, task_id) in ("completed", "failed", "aborted")


def test_dropped_connection_reattaches_without_losing_or_doubling_lines(
    sqlite_core: Core, ssh_worker: Worker, sshd: SshServer, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    task_id = add_task(sqlite_core, _repo(tmp_path, GATED_SCRIPT), queue="lab", entry_point="job.py",
                       hyperparameters={"Args": {"gate": {"value": str(gate), "type": "positional"}}})
    wait_for(sqlite_core, lambda: len(_stdout(sqlite_core, task_id)) >= 50, 60, "the first half of the console")
    pid = sqlite_core.tasks.get(task_id).pid
    assert sshd.cut_connections() >= 1
    # The task goes on on the host, and is still Running here while the launcher reconnects.
    assert pid is not None
    os.kill(pid, 0)
    assert status(sqlite_core, task_id) == "running"
    gate.touch()
    wait_for(sqlite_core, lambda: _ended(sqlite_core, task_id), 60, "the end after the reconnect")
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "completed", (task.status_reason, task.status_message)
    assert _stdout(sqlite_core, task_id) == [str(i) for i in range(1, 101)]
    assert task.pid == pid


def test_abort_kills_the_remote_process_group(sqlite_core: Core, ssh_worker: Worker, tmp_path: Path) -> None:
    task_id = add_task(sqlite_core, _repo(tmp_path, LONG_SCRIPT), queue="lab", entry_point="job.py")
    started = wait_for(sqlite_core, lambda: [t for t in _stdout(sqlite_core, task_id) if t.startswith("started")],
                       60, "the task's start")
    helper, escaped = (int(word) for word in started[0].split()[1:])
    group = sqlite_core.tasks.get(task_id).pid
    assert group is not None
    assert {group, helper} < group_alive(group)  # the supervisor, the script and its helper
    sqlite_core.lifecycle.abort(task_id)
    # The worker's run ends (it is the one that forgets the task) once the remote group is gone.
    wait_for(sqlite_core, lambda: not ssh_worker.running(), 30, "the abort on the host")
    assert status(sqlite_core, task_id) == "aborted"
    assert group_alive(group) == set()
    assert not psutil.pid_exists(escaped) or psutil.Process(escaped).status() == psutil.STATUS_ZOMBIE
    assert _stdout(sqlite_core, task_id)[-1] == "cleaning up"


def _failed(core: Core, task_id: str) -> tuple[str, str]:
    wait_for(core, lambda: _ended(core, task_id), 60, "the task to fail")
    task = core.tasks.get(task_id)
    assert task.status == "failed"
    return task.status_reason, task.status_message


def test_unknown_host_key_is_refused_with_its_fingerprint(
    sqlite_core: Core, ssh_worker: Worker, sshd: SshServer, tmp_path: Path
) -> None:
    sshd.known_hosts.write_text("")
    task_id = add_task(sqlite_core, _repo(tmp_path, GATED_SCRIPT), queue="lab", entry_point="job.py")
    reason, message = _failed(sqlite_core, task_id)
    assert reason == f"unknown host key: {sshd.alias}"
    assert sshd.host_fingerprint in message and f"tasktune host trust {sshd.alias}" in message
    assert sshd.known_hosts.read_text() == ""  # never accepted silently


def test_changed_host_key_is_refused(sqlite_core: Core, ssh_worker: Worker, sshd: SshServer, tmp_path: Path) -> None:
    other = keygen(tmp_path / "other_host_key")
    sshd.known_hosts.write_text(f"[127.0.0.1]:{sshd.port} {' '.join(Path(f'{other}.pub').read_text().split()[:2])}\n")
    task_id = add_task(sqlite_core, _repo(tmp_path, GATED_SCRIPT), queue="lab", entry_point="job.py")
    reason, message = _failed(sqlite_core, task_id)
    assert reason == f"host key changed: {sshd.alias}" and sshd.host_fingerprint in message


def test_wrong_key_is_a_clear_authentication_error(
    sqlite_core: Core, ssh_worker: Worker, sshd: SshServer, tmp_path: Path
) -> None:
    sshd.write_client_config(identity=keygen(tmp_path / "not_authorized"))
    task_id = add_task(sqlite_core, _repo(tmp_path, GATED_SCRIPT), queue="lab", entry_point="job.py")
    reason, message = _failed(sqlite_core, task_id)
    assert reason == "ssh authentication failed"
    assert f"{sshd.user}@127.0.0.1:{sshd.port}" in message and "not_authorized" in message


def test_host_down_fails_with_reason(sqlite_core: Core, ssh_worker: Worker, sshd: SshServer, tmp_path: Path) -> None:
    sshd.stop()
    task_id = add_task(sqlite_core, _repo(tmp_path, GATED_SCRIPT), queue="lab", entry_point="job.py")
    reason, message = _failed(sqlite_core, task_id)
    assert reason == f"host unreachable: {sshd.alias}"
    assert f"127.0.0.1:{sshd.port}" in message
