"""A worker runs enqueued tasks from a real git repository: values reach the script, statuses follow exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.worker import Worker, WorkerConfig
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for

TERMINAL = ("completed", "failed", "aborted")
POSITIONALS = {"Args": {"source": {"value": "a", "type": "positional", "description": ""},
                        "target": {"value": "b", "type": "positional", "description": ""}}}


def finished(core: Core, task_id: str) -> str:
    return str(wait_for(core, lambda: status(core, task_id) in TERMINAL and status(core, task_id), what="end"))


def reported(core: Core, task_id: str) -> dict[str, object]:
    lines = [line.text for line in core.results.console(task_id) if line.stream == "stdout"]
    return dict(json.loads(lines[0]))


def test_tuned_values_reach_the_script(sqlite_core: Core, worker: Worker, repo: Path) -> None:
    hyper = {
        "Args": {
            "lr": {"value": "0.5", "type": "float", "description": ""},
            "name": {"value": "; rm -rf ~ \"quoted\" 'single' \n newline ünï", "type": "str", "description": ""},
            "flag": {"value": "True", "type": "bool", "description": ""},
            "off": {"value": "false", "type": "bool", "description": ""},
            "layers": {"value": "[3, 4, 5]", "type": "list", "description": ""},
            "opt": {"value": "", "type": "str", "description": ""},
            "-v": {"value": "true", "type": "bool", "description": ""},
            "source": {"value": "in.txt", "type": "positional", "description": ""},
            "target": {"value": "$HOME", "type": "positional:str", "description": ""},
        },
        "TF_DEFINE": {"steps": {"value": "7", "type": "", "description": ""}},
        "Environment": {"MY_SETTING": {"value": "$(whoami) `id`", "type": "", "description": ""}},
    }
    config = {"model.yaml": {"value": "depth: 3\n", "type": "yaml", "description": ""}}
    task_id = add_task(sqlite_core, repo, hyperparameters=hyper, configuration=config)
    assert finished(sqlite_core, task_id) == "completed"
    seen = reported(sqlite_core, task_id)
    args = seen["args"]
    assert isinstance(args, dict)
    assert args["lr"] == 0.5
    assert args["name"] == "; rm -rf ~ \"quoted\" 'single' \n newline ünï"
    assert args["flag"] is True
    assert args["off"] is False
    assert args["layers"] == [3, 4, 5]
    assert args["opt"] is None
    assert args["v"] is True
    assert (args["source"], args["target"]) == ("in.txt", "$HOME")
    assert seen["rest"] == ["--steps=7"]
    env = seen["env"]
    assert isinstance(env, dict)
    assert env["MY_SETTING"] == "$(whoami) `id`"
    assert seen["configs"] == {"model.yaml": "depth: 3\n", "index.json": seen["configs"]["index.json"]}  # type: ignore[index]
    assert str(Path(env["TASKTUNE_CONFIG_DIR"])) in seen["configs"]["index.json"]  # type: ignore[index]
    assert seen["helper"] == "committed"  # the repository root is on PYTHONPATH
    assert Path(str(seen["cwd"])).name == "scripts"  # the default working directory holds the script
    task = sqlite_core.tasks.get(task_id)
    assert task.exit_code == 0
    assert task.worker == worker.id
    assert task.started is not None
    assert task.commit == git(repo, "rev-parse", "HEAD")


def test_failing_script_is_failed_with_exit_code_and_stderr(sqlite_core: Core, worker: Worker, repo: Path) -> None:
    hyper = {
        "Environment": {"EXIT_CODE": {"value": "3", "type": "", "description": ""}},
        "Args": {"source": {"value": "a", "type": "positional", "description": ""},
                 "target": {"value": "b", "type": "positional", "description": ""}},
    }
    task_id = add_task(sqlite_core, repo, hyperparameters=hyper)
    assert finished(sqlite_core, task_id) == "failed"
    task = sqlite_core.tasks.get(task_id)
    assert task.status_reason == "exit code 3"
    assert "to stderr" in task.status_message
    assert task.exit_code == 3
    # It ended before its pid was worth a write of its own: the pid came with the end.
    assert task.pid == reported(sqlite_core, task_id)["pid"]


def test_worker_runs_a_task_on_every_database(core: Core, repo: Path, tmp_path: Path) -> None:
    positionals = {"Args": {"source": {"value": "a", "type": "positional", "description": ""},
                            "target": {"value": "b", "type": "positional", "description": ""}}}
    worker = Worker(core, WorkerConfig(queues=["default"], cache_dir=tmp_path / "cache", fallback_poll=0.2))
    worker.start()
    try:
        task_id = add_task(core, repo, hyperparameters=positionals)
        assert finished(core, task_id) == "completed"
    finally:
        worker.stop()
    assert reported(core, task_id)["helper"] == "committed"


def test_runs_share_one_read_only_copy_of_the_sdk(sqlite_core: Core, worker: Worker, repo: Path,
                                                 tmp_path: Path) -> None:
    first, second = (add_task(sqlite_core, repo, hyperparameters=POSITIONALS) for _ in range(2))
    paths = []
    for task_id in (first, second):
        assert finished(sqlite_core, task_id) == "completed"
        env = reported(sqlite_core, task_id)["env"]
        assert isinstance(env, dict)
        paths.append([p for p in env["PYTHONPATH"].split(":") if (Path(p) / "tasktune_gui" / "sdk").is_dir()])
    assert paths[0] == paths[1]
    assert len(paths[0]) == 1
    shared = Path(paths[0][0])
    assert tmp_path / "cache" / "sdk" in shared.parents  # in the worker's cache, not in a run folder
    assert not (shared / "tasktune_gui" / "sdk" / "__init__.py").stat().st_mode & 0o222
