"""The demo workspace: on first start, a "Demo" project with real tasks from a shipped example repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import platformdirs
from sqlmodel import select

from tasktune_gui.core.api import Core
from tasktune_gui.core.capture import args_section, capture
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.models import Project, Task
from tasktune_gui.core.results import ScalarPoint

DEMO_PROJECT = "Demo"
RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "demo_repo"
GIT_IDENTITY = ["-c", "user.name=TaskTune", "-c", "user.email=demo@tasktune.local"]


def demo_repository(data_dir: Path) -> Path:
    """A git repository holding the demo script, made once in the data folder."""
    if not RESOURCES.is_dir():
        raise TaskTuneError(f"the demo repository is missing from {RESOURCES}")
    target = data_dir / "demo-repo"
    if not (target / ".git").is_dir():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(RESOURCES, target)
        for argv in (["init", "-q", "-b", "main"], ["add", "-A"], [*GIT_IDENTITY, "commit", "-q", "-m", "Demo"]):
            subprocess.run(["git", *argv], cwd=target, check=True, capture_output=True)
    return target


def _is_empty(core: Core) -> bool:
    with core.store.read() as session:
        return session.exec(select(Project.id).limit(1)).first() is None


def seed_demo(core: Core, data_dir: Path | None = None) -> bool:
    """Seed the Demo project when the database is empty; False when it already holds anything."""
    if not _is_empty(core):
        return False
    folder = data_dir or Path(platformdirs.user_data_dir("tasktune", appauthor=False))
    repo = demo_repository(folder)
    found = capture("train.py", cwd=repo)
    config_text = (repo / "config" / "model.json").read_text(encoding="utf-8")
    args = args_section(found.args)

    def add(name: str, tags: list[str], overrides: dict[str, str] | None = None) -> str:
        section = {key: dict(spec) for key, spec in args.items()}
        for key, value in (overrides or {}).items():
            section[key]["value"] = value
        task = Task(id="", name=name, repository=found.repository, branch=found.branch, commit=found.commit,
                    entry_point=found.entry_point, working_dir=found.working_dir, requirements=found.requirements,
                    original_requirements=found.requirements, diff=found.diff,
                    description="A logistic-regression run from the demo repository.")
        return core.tasks.add(
            task, DEMO_PROJECT, tags=tags, hyperparameters={"Args": section},
            configuration={"model": {"value": config_text, "type": "json", "description": "model settings"}},
            user_properties={"dataset": {"value": "generated", "description": "where the examples come from"}},
        )

    if not _is_empty(core):  # another process seeded while we captured
        return False
    _run_baseline(core, add("baseline", ["demo", "baseline"], {"epochs": "5"}))
    _fail(core, add("high learning rate", ["demo"], {"lr": "50", "epochs": "3"}))
    sweep = add("momentum sweep", ["demo", "sweep"])
    core.editor.apply(sweep, TaskEdit(hyperparameters=[("Args", "optimizer", "momentum"), ("Args", "lr", "0.05")]))
    core.lifecycle.enqueue(add("waiting for a worker", ["demo"], {"epochs": "20"}))
    return True


def _run_baseline(core: Core, task_id: str) -> None:
    """A finished run with console output and scalars, through the real lifecycle."""
    core.lifecycle.enqueue(task_id)
    core.queues.pop(["default"], worker="demo", host="demo")
    losses = [0.62, 0.51, 0.45, 0.41, 0.39]
    lines = [("stdout", "run demo: 400 examples, 2 features, lr=0.1")]
    lines += [("stdout", f"epoch {i}/5 loss={loss:.4f} acc={0.9 + i / 100:.2f}") for i, loss in enumerate(losses, 1)]
    core.results.append_console(task_id, lines)
    core.results.report_scalars(
        task_id,
        [ScalarPoint("loss", "train", i, loss) for i, loss in enumerate(losses, 1)]
        + [ScalarPoint("accuracy", "train", i, 0.9 + i / 100) for i in range(1, 6)],
    )
    core.lifecycle.complete(task_id)


def _fail(core: Core, task_id: str) -> None:
    core.lifecycle.enqueue(task_id)
    core.queues.pop(["default"], worker="demo", host="demo")
    core.results.append_console(task_id, [("stdout", "run demo: 400 examples, 2 features, lr=50.0"),
                                          ("stderr", "loss diverged")])
    core.lifecycle.fail(task_id, "exit code 1", "loss diverged", exit_code=1)
