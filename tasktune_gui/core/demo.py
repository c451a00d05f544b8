"""The demo workspace: on first start, a "Demo" project with real tasks from a shipped example repository."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from git import Git
from git.exc import GitCommandNotFound
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.assets import asset_path
from tasktune_gui.core.capture import CapturedSource, args_section, capture
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import InvalidTransition, TaskTuneError
from tasktune_gui.core.lookup import ensure_project
from tasktune_gui.core.models import Project, Task
from tasktune_gui.core.queues import DEFAULT_QUEUE
from tasktune_gui.core.results import ScalarPoint

DEMO_PROJECT = "Demo"
REPO_FOLDER = "demo-repo"
SCRIPT = "train.py"
CONFIG_FILE = "config/model.json"
# Commits must work with no git identity configured, and without the user's signing or hooks getting involved.
GIT_IDENTITY = ("-c", "user.name=TaskTune", "-c", "user.email=demo@tasktune.local", "-c", "commit.gpgsign=false")
EPOCH_LINE = re.compile(r"epoch (\d+)/\d+ loss=(\S+) acc=(\S+)")
RUN_TIMEOUT_S = 120


class DemoUnavailable(TaskTuneError):
    """The demo cannot be made here: its files are missing, or git is."""


@dataclass(frozen=True)
class DemoTask:
    """One task of the Demo project: its Args overrides and what happens to it once created."""

    name: str
    description: str
    args: dict[str, str]  # values that differ from the script's defaults
    tags: list[str] = field(default_factory=list)
    outcome: str = "draft"  # "run": run the script now; "queue": leave it pending; "draft": edit it only
    edits: list[tuple[str, str, str]] = field(default_factory=list)  # made after creation, as a person would


DEMO_TASKS = (
    DemoTask("baseline", "The script's defaults for five epochs.", {"epochs": "5"}, ["demo", "baseline"], "run"),
    DemoTask("high learning rate", "Too large a step: the loss blows up and the script exits 1.",
             {"lr": "50", "epochs": "3"}, ["demo"], "run"),
    DemoTask("momentum sweep", "A draft to tune: momentum with a smaller step. Enqueue it to compare.",
             {}, ["demo", "sweep"], "draft", [("Args", "optimizer", "momentum"), ("Args", "lr", "0.05")]),
    DemoTask("waiting for a worker", "Pending in the default queue: start a worker to run it.",
             {"epochs": "20"}, ["demo"], "queue"),
)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("tasktune", appauthor=False))


def seed_demo(core: Core, data_dir: Path | None = None) -> bool:
    """Seed the Demo project into an empty database; False (and nothing done) when it holds anything.

    The repository is made and captured before the database is touched; the project is then claimed in one
    write transaction that first checks the database is still empty, so of two processes starting at once
    exactly one seeds.
    """
    with core.store.read() as session:
        if not _is_empty(session):
            return False
    repo = demo_repository(data_dir or default_data_dir())
    source = capture(SCRIPT, cwd=repo)
    if not _claim(core, repo):
        return False
    config_text = (repo / CONFIG_FILE).read_text(encoding="utf-8")
    for spec in DEMO_TASKS:
        task_id = _add(core, source, config_text, spec)
        if spec.outcome == "run":
            _run(core, repo, task_id, spec.args)
        elif spec.edits:
            core.editor.apply(task_id, TaskEdit(hyperparameters=spec.edits))
    return True


def demo_source() -> Path:
    """The demo's files as installed with TaskTune (package data)."""
    return asset_path("demo_repo")


def demo_repository(data_dir: Path, source: Path | None = None) -> Path:
    """`data_dir/demo-repo`: a git repository with one commit of the demo files, made once and reused."""
    source = source or demo_source()
    if not (source / SCRIPT).is_file():
        raise DemoUnavailable(
            f"the demo repository is missing: no {SCRIPT} in '{source}' (it is installed with TaskTune's "
            "package data: reinstall TaskTune)"
        )
    target = data_dir / REPO_FOLDER
    if (target / ".git").is_dir():
        return target
    data_dir.mkdir(parents=True, exist_ok=True)
    # Built aside and renamed into place, so a half-made repository is never seen, even by another process.
    staging = Path(tempfile.mkdtemp(prefix=f".{REPO_FOLDER}-", dir=data_dir))
    try:
        tree = staging / REPO_FOLDER
        shutil.copytree(source, tree, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        _git(tree, "-c", "init.defaultBranch=main", "init", "-q")
        _git(tree, "add", "-A")
        _git(tree, *GIT_IDENTITY, "commit", "-q", "--no-verify", "-m", "TaskTune demo")
        _move_into_place(tree, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _move_into_place(tree: Path, target: Path) -> None:
    try:
        tree.rename(target)
        return
    except OSError:
        if (target / ".git").is_dir():
            return  # another process made it first
    shutil.rmtree(target, ignore_errors=True)  # a leftover folder that is not a repository
    try:
        tree.rename(target)
    except OSError as exc:
        raise DemoUnavailable(f"cannot make the demo repository at '{target}': {exc}") from exc


def _git(cwd: Path, *argv: str) -> None:
    """Run git through GitPython (an argv list, never a shell); DemoUnavailable when it fails."""
    try:
        status, _out, err = Git(cwd).execute(["git", *argv], with_extended_output=True, with_exceptions=False)
    except GitCommandNotFound as exc:
        raise DemoUnavailable("git is not installed or not on PATH: the demo needs it") from exc
    if status:
        raise DemoUnavailable(f"git {' '.join(argv)} failed in '{cwd}': {str(err).strip()}")


def _is_empty(session: Session) -> bool:
    return (
        session.exec(select(Project.id).limit(1)).first() is None
        and session.exec(select(Task.id).limit(1)).first() is None
    )


def _claim(core: Core, repo: Path) -> bool:
    """Create the Demo project if the database is still empty; False when another process got there first."""
    try:
        with core.store.write() as session:
            if not _is_empty(session):
                return False
            project = ensure_project(session, DEMO_PROJECT)
            project.description = f"Example tasks from TaskTune's demo repository in {repo}"
            session.add(project)
    except IntegrityError:  # PostgreSQL: both saw an empty database; the other created "Demo" first
        return False
    return True


def _add(core: Core, source: CapturedSource, config_text: str, spec: DemoTask) -> str:
    args = args_section(source.args)
    for name, value in spec.args.items():
        args[name]["value"] = value
    task = Task(
        id="",
        name=spec.name,
        description=spec.description,
        repository=source.repository,
        branch=source.branch,
        tag=source.tag,
        commit=source.commit,
        entry_point=source.entry_point,
        working_dir=source.working_dir,
        requirements=source.requirements,
        original_requirements=source.requirements,
        diff=source.diff,
    )
    return core.tasks.add(
        task,
        DEMO_PROJECT,
        queue=DEFAULT_QUEUE if spec.outcome == "queue" else None,
        hyperparameters={"Args": args},
        configuration={
            "model": {"value": config_text, "type": "json", "description": f"read in place of {CONFIG_FILE}"}
        },
        user_properties={
            "dataset": {"value": "circle-400", "description": "400 generated points, inside or outside a circle"},
            "purpose": {"value": "demo", "description": "made by TaskTune on first start"},
        },
        tags=spec.tags,
    )


def _run(core: Core, repo: Path, task_id: str, args: dict[str, str]) -> None:
    """Run the script as this task through the lifecycle (enqueue, start, complete or fail), recording its
    console and the loss and accuracy of each epoch as a worker would."""
    core.lifecycle.enqueue(task_id)
    try:
        # Taken by id rather than popped, so a worker already watching "default" is never robbed of its task.
        # No worker id: the watchdog must not take this short run for one whose worker was lost.
        core.lifecycle.start(task_id, worker="", host=socket.gethostname())
    except InvalidTransition:
        return  # such a worker took it first and runs it for real
    # Values equal to the script's defaults need not be passed: the script applies them itself.
    argv = [word for name, value in args.items() for word in (f"--{name}", value)]
    env = {name: value for name, value in os.environ.items() if not name.startswith("TASKTUNE_")}
    try:
        done = subprocess.run(
            [sys.executable, SCRIPT, *argv], cwd=repo, env=env, capture_output=True, text=True,
            timeout=RUN_TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        core.lifecycle.fail(task_id, "failed to start", f"the demo run did not finish: {exc}")
        return
    stdout, stderr = done.stdout.splitlines(), done.stderr.splitlines()
    core.results.append_console(task_id, [("stdout", line) for line in stdout] + [("stderr", line) for line in stderr])
    core.results.report_scalars(task_id, epoch_scalars(stdout))
    if done.returncode == 0:
        core.lifecycle.complete(task_id)
    else:
        message = stderr[-1] if stderr else ""
        core.lifecycle.fail(task_id, f"exit code {done.returncode}", message, exit_code=done.returncode)


def epoch_scalars(lines: list[str]) -> list[ScalarPoint]:
    """Loss and accuracy from the script's "epoch 3/10 loss=0.4213 acc=0.81" lines."""
    points: list[ScalarPoint] = []
    for line in lines:
        found = EPOCH_LINE.fullmatch(line.strip())
        if found:
            epoch = int(found[1])
            points += [ScalarPoint("loss", "train", epoch, float(found[2])),
                       ScalarPoint("accuracy", "train", epoch, float(found[3]))]
    return points
