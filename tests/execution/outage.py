"""A task that prints a line and reports a scalar per step while the test takes PostgreSQL down half way, and the
check that every line and scalar reached the database, in order, none twice (for each backend's outage test)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import git
from tests.support.postgres import PostgresCluster
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for

STEPS = 150
# Files in its working folder (what each backend shares with this machine: a mounted or an SSH host's folder)
# say when it is a third of the way, and when it has gone on another third while the server was down.
OUTAGE_SCRIPT = f"""\
import os, time
from tasktune_gui import sdk
for n in range({STEPS}):
    print(f"line {{n}}", flush=True)
    sdk.report_scalar("progress", "step", float(n), n)
    if n == {STEPS // 3}:
        open("half-way", "w").close()
    while n > {STEPS // 3} and not os.path.exists("go-on"):
        time.sleep(0.01)
    if n == {2 * STEPS // 3}:
        open("late", "w").close()
    time.sleep(0.005)
"""


def commit_outage_script(repo: Path) -> None:
    (repo / "outage.py").write_text(OUTAGE_SCRIPT)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "outage script")


def run_through_restart(core: Core, cluster: PostgresCluster, config: WorkerConfig, repo: Path,
                        working_folder: Callable[[str], Path]) -> str:
    """Run the script on a worker of `config` (on its first queue), stop the server a third of the way, start it
    again once the task has gone on another third (those lines and scalars wait on the worker), and check all
    arrived; the task's id."""
    commit_outage_script(repo)
    worker = Worker(core, config)
    worker.start()
    try:
        return _restart_during(core, cluster, repo, config.queues[0], working_folder)
    finally:
        worker.stop()


def _restart_during(core: Core, cluster: PostgresCluster, repo: Path, queue: str,
                    working_folder: Callable[[str], Path]) -> str:
    task_id = add_task(core, repo, queue=queue, entry_point="outage.py")
    folder = working_folder(task_id)
    wait_for(core, (folder / "half-way").exists, timeout=120, what="the task a third of the way")
    cluster.stop()
    try:
        (folder / "go-on").touch()
        wait_for(core, (folder / "late").exists, timeout=60, what="steps run while the server was down")
    finally:
        cluster.start_server()
    wait_for(core, lambda: status(core, task_id) == "completed", timeout=120, what="the task completed")
    lines = [line.text for line in core.results.console(task_id)]
    assert lines == [f"line {n}" for n in range(STEPS)]  # every line, in order, none twice
    points = [(p.metric, p.series, p.iteration, p.value) for p in core.results.scalars(task_id)]
    assert points == [("progress", "step", n, float(n)) for n in range(STEPS)]
    assert core.tasks.get(task_id).last_iteration == STEPS - 1
    return task_id
