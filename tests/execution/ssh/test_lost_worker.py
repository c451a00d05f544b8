"""A worker SIGKILLed mid-task: its run goes on on the host until a worker serving that host ends it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import make_repo
from tests.support.processes import gone, group_alive
from tests.support.runs import add_task, status, tasktune_worker
from tests.support.sshd import SshServer
from tests.support.waiting import wait_for

# Starts a helper in its group and one that leaves it, says so, then runs for ten minutes.
LONG_SCRIPT = '''\
import subprocess, sys, time
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
escaped = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
print("started", helper.pid, escaped.pid, flush=True)
time.sleep(600)
'''


def _repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "source", {"job.py": LONG_SCRIPT})


@pytest.mark.parametrize("survivor", ["restarted", "peer"])
def test_the_run_of_a_killed_worker_is_ended_on_the_host(sqlite_core: Core, sqlite_url: str, sshd: SshServer,
                                                        lab_queue: str, remote_dir: Path, tmp_path: Path,
                                                        survivor: str) -> None:
    """`restarted`: the same worker id starts again and fails what it left; `peer`: another worker serving the
    queue fails it "worker lost" by its watchdog. Either way the run on the host is ended, its folder removed."""
    doomed = subprocess.Popen(tasktune_worker(sqlite_url, tmp_path / "cache", "--queue", lab_queue, "--id", "lab-1",
                                              "--heartbeat", "0.2", "--watchdog-timeout", "1.5",
                                              "--ssh-config", str(sshd.ssh_config)),
                              stderr=subprocess.DEVNULL)
    group = None
    try:
        task_id = add_task(sqlite_core, _repo(tmp_path), queue=lab_queue, entry_point="job.py")
        started = wait_for(sqlite_core, lambda: sqlite_core.results.console(task_id), 60, "the task's start")
        helper, escaped = (int(word) for word in started[0].text.split()[1:])
        group = sqlite_core.tasks.get(task_id).pid
        assert group is not None
    finally:
        doomed.kill()
        doomed.wait(30)
    try:
        assert {group, helper} < group_alive(group)  # nobody follows the run now; it goes on all the same
        worker_id = "lab-1" if survivor == "restarted" else None
        config = WorkerConfig(queues=[lab_queue], worker_id=worker_id, cache_dir=tmp_path / "cache2",
                              heartbeat_interval=0.2, watchdog_timeout=1.5, abort_grace=2.0,
                              ssh=SshOptions(config_files=[sshd.ssh_config]))
        worker = Worker(sqlite_core, config)
        worker.start()
        try:
            wait_for(sqlite_core, lambda: status(sqlite_core, task_id) == "failed", 30, "the task failed as lost")
            assert sqlite_core.tasks.get(task_id).status_reason == "worker lost"
            run = remote_dir / "runs" / task_id  # removed last, once every process of the run is gone
            wait_for(sqlite_core, lambda: not run.exists(), 30, "the run's end on the host")
            assert not group_alive(group) and gone(escaped)
        finally:
            worker.stop()
    finally:
        with contextlib.suppress(ProcessLookupError):  # a failed test leaves nothing running
            os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(escaped, signal.SIGKILL)
