"""Tasks of an SSH-bound queue run on a real sshd: workspace, environment, console, SDK and exit code."""

from __future__ import annotations

import json
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.core.results import SETUP_STREAM
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import git, make_repo
from tests.support.runs import add_task, status
from tests.support.sshd import SshServer
from tests.support.waiting import wait_for

REMOTE_SCRIPT = '''\
import os, sys
from tasktune_gui import sdk
import helper
print("hello from", os.uname().nodename, "cwd", os.path.basename(os.getcwd()))
print("helper", helper.VALUE, "extra", open("extra.txt").read().strip())
print("deleted gone", not os.path.exists("old.txt"))
print("args", sys.argv[1:])
for i in range(3):
    print("progress", i, end="\\r")
print("done", flush=True)
sys.stderr.write("a warning\\n")
sdk.report_scalar("loss", "train", 0.5, 1)
sdk.upload_artifact("summary", {"ok": True})
print("task", os.environ.get("TASKTUNE_TASK_ID"), os.environ.get("FROM_SECTION"))
print("model", open(sdk.input_model()).read().strip(), "in", sdk.input_model().parent.name)
'''


def _repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "source", {"run.py": REMOTE_SCRIPT, "helper.py": "VALUE = 'committed'\n",
                                           "old.txt": "to be deleted by the diff\n"})
    # The diff: a changed file, a new untracked file, a deleted file.
    (root / "helper.py").write_text("VALUE = 'from the diff'\n")
    (root / "extra.txt").write_text("new file\n")
    (root / "old.txt").unlink()
    git(root, "add", "-N", "extra.txt")
    return root


def test_full_run_on_the_host(sqlite_core: Core, ssh_worker: Worker, sshd: SshServer, tmp_path: Path,
                              remote_dir: Path) -> None:
    repo = _repo(tmp_path)
    diff = git(repo, "diff", "HEAD") + "\n"
    outputs = tmp_path / "outputs"
    weights = tmp_path / "weights.bin"
    weights.write_text("pretrained\n")
    model_id = sqlite_core.models.create("base", uri=weights.as_uri())
    task_id = add_task(
        sqlite_core, repo, queue="lab", entry_point="run.py", diff=diff, output_uri=f"file://{outputs}",
        input_model_id=model_id,
        hyperparameters={"Args": {"lr": {"value": "0.5", "type": "float"}},
                         "Environment": {"FROM_SECTION": {"value": "it's $HOME; `x`"}}},
    )
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), 60, "the remote run")
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "completed", (task.status_reason, task.status_message)
    lines = [line.text for line in sqlite_core.results.console(task_id)]
    assert lines[0] == f"hello from {__import__('os').uname().nodename} cwd repo"
    assert "helper from the diff extra new file" in lines
    assert "deleted gone True" in lines
    assert "args ['--lr', '0.5']" in lines
    assert "done" in lines and not any("progress 0" in line for line in lines)  # \r redraws folded
    assert "model pretrained in input" in lines  # copied to the host, beside the run
    assert "a warning" in lines and f"task {task_id} it's $HOME; `x`" in lines
    assert task.host == sshd.alias and task.pid
    # Its setup on the console, as on this machine: the environment step is the upload and the host's agent.
    setup = [line.text for line in sqlite_core.results.console(task_id, setup=True) if line.stream == SETUP_STREAM]
    assert [line.split()[1] for line in setup] == ["mirror", "checkout", "diff", "environment", "start"]
    # The run's folder on the host is gone once its results are home; the commit's tree stays for the next run.
    assert not (remote_dir / "runs" / task_id).exists()
    tree = remote_dir / "trees" / f"{task.commit}.tar"
    assert tree.is_file()
    # The artifact came back to the researcher's file:// destination.
    artifacts = sqlite_core.results.artifacts(task_id)
    assert [a.name for a in artifacts] == ["summary"]
    local = outputs / task_id / "artifacts" / "summary.json"
    assert artifacts[0].uri == local.as_uri() and json.loads(local.read_text()) == {"ok": True}
    assert [(p.metric, p.value) for p in sqlite_core.results.scalars(task_id)] == [("loss", 0.5)]

    # A second run of the same commit reuses the tree already on the host.
    uploaded = tree.stat().st_ino
    again = add_task(sqlite_core, repo, queue="lab", entry_point="run.py", diff=diff, commit=task.commit,
                     input_model_id=model_id)
    wait_for(sqlite_core, lambda: status(sqlite_core, again) in ("completed", "failed"), 60, "the second run")
    assert status(sqlite_core, again) == "completed" and tree.stat().st_ino == uploaded


GPU_SCRIPT = '''\
import os, sys, time
print("gpu", os.environ.get("CUDA_VISIBLE_DEVICES"), flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
'''


def test_each_task_takes_a_free_gpu_of_the_host(sqlite_core: Core, sshd: SshServer, tmp_path: Path,
                                                remote_dir: Path) -> None:
    sqlite_core.queues.create("gpus", ssh_host=sshd.alias, remote_dir=str(remote_dir), gpus="0,1")
    root = make_repo(tmp_path / "gpu-source", {"job.py": GPU_SCRIPT})
    gate = tmp_path / "gate"
    args = {"Args": {"gate": {"value": str(gate), "type": "positional"}}}
    worker = Worker(sqlite_core, WorkerConfig(queues=["gpus"], slots=2, cache_dir=tmp_path / "cache",
                                              ssh=SshOptions(config_files=[sshd.ssh_config])))
    worker.start()
    try:
        tasks = [add_task(sqlite_core, root, queue="gpus", entry_point="job.py", hyperparameters=args)
                 for _ in range(2)]

        def gpus() -> list[str]:
            return [line.text for task in tasks for line in sqlite_core.results.console(task)]

        wait_for(sqlite_core, lambda: len(gpus()) == 2, 60, "both tasks on their GPU")
        assert sorted(gpus()) == ["gpu 0", "gpu 1"]
        gate.touch()
        wait_for(sqlite_core, lambda: all(status(sqlite_core, t) == "completed" for t in tasks), 60, "both ends")
    finally:
        worker.stop()


def test_local_commits_carried_in_the_diff_rebuild_the_tree_on_the_host(
    sqlite_core: Core, ssh_worker: Worker, tmp_path: Path
) -> None:
    import shutil

    from tasktune_gui.core.capture import capture
    from tests.execution.test_local_commits_run import clone_with_local_commits, tree_digest

    _, clone, _ = clone_with_local_commits(tmp_path)
    expected = tree_digest(clone)
    found = capture("show_tree.py", cwd=clone, environ={})
    shutil.move(clone, tmp_path / "elsewhere")  # the host and the worker reach only the remote
    task_id = add_task(sqlite_core, found.repository, queue="lab", entry_point=found.entry_point,
                       commit=found.commit, diff=found.diff)
    wait_for(sqlite_core, lambda: status(sqlite_core, task_id) in ("completed", "failed"), 60, "the remote run")
    task = sqlite_core.tasks.get(task_id)
    assert task.status == "completed", (task.status_reason, task.status_message)
    lines = [line.text for line in sqlite_core.results.console(task_id) if line.stream == "stdout"]
    assert json.loads(lines[0]) == expected
