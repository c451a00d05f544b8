"""From a task record to the command to run: its snapshot, the interpreter, the script, cwd and environment."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam
from sqlalchemy import select as table_select

from tasktune_gui.core.api import Core
from tasktune_gui.core.lookup import get_task
from tasktune_gui.core.models import Model, Task
from tasktune_gui.core.serialize import configuration, hyperparameters
from tasktune_gui.execution.bindings import Binding, binding_in
from tasktune_gui.execution.cache.workspace import Source
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.commandline import (
    CONFIG_DIR_VARIABLE,
    ENVIRONMENT,
    Sections,
    environment_variables,
    script_argv,
    write_config_files,
)
from tasktune_gui.execution.run.sdk_channel import (
    EVENTS_VARIABLE,
    OUTPUT_DIR_VARIABLE,
    TASK_FILE_VARIABLE,
    install_sdk,
    write_task_file,
)

PYTHON_NAMES = frozenset({"python", "python3"})


@dataclass
class Command:
    argv: list[str]
    cwd: Path
    env: dict[str, str]


@dataclass(frozen=True)
class TaskSnapshot:
    """What a run needs from the task, read once in one session."""

    id: str
    source: Source
    diff: str
    entry_point: str
    working_dir: str
    binary: str
    requirements: str
    hyperparameters: Sections
    configuration: dict[str, dict[str, str]]
    output_uri: str = ""
    input_model_uri: str = ""
    input_model_hash: str = ""  # SHA-256 recorded at its upload, when known
    container_image: str = ""
    container_arguments: str = ""
    container_setup_script: str = ""
    container_use_image_env: bool = False
    binding: Binding | None = None  # the SSH host of the queue it was taken from, if any

    @property
    def branch_only(self) -> bool:
        return bool(self.source.branch) and not self.source.commit and not self.source.tag


_TASKS = Task.__table__  # type: ignore[attr-defined]
_MODELS = Model.__table__  # type: ignore[attr-defined]
# Built once and read as plain rows: every run starts here, and an ORM task cost a millisecond to load.
_TASK_ROW = table_select(
    *(_TASKS.c[name] for name in (
        "id", "repository", "commit", "tag", "branch", "diff", "entry_point", "working_dir", "binary",
        "requirements", "output_uri", "input_model_id", "container_image", "container_arguments",
        "container_setup_script", "container_use_image_env", "queue",
    ))
).where(_TASKS.c.id == bindparam("task"))
_MODEL_URI = table_select(_MODELS.c.uri, _MODELS.c.hash).where(_MODELS.c.id == bindparam("model"))


def read_snapshot(core: Core, task_id: str) -> TaskSnapshot:
    with core.store.read() as session:
        connection = session.connection()
        task = connection.execute(_TASK_ROW, {"task": task_id}).first()
        if task is None:  # a prefix of an id, or no such task (said as every lookup says it)
            task = connection.execute(_TASK_ROW, {"task": get_task(session, task_id).id}).first()
            assert task is not None
        model = connection.execute(_MODEL_URI, {"model": task.input_model_id}).first() \
            if task.input_model_id else None
        return TaskSnapshot(
            id=task.id,
            source=Source(task.repository, task.commit, task.tag, task.branch),
            diff=task.diff,
            entry_point=task.entry_point.strip(),
            working_dir=task.working_dir,
            binary=task.binary.strip() or "python3",
            requirements=task.requirements,
            hyperparameters=hyperparameters(session, task.id),
            configuration=configuration(session, task.id),
            output_uri=task.output_uri,
            input_model_uri=model.uri if model is not None else "",
            input_model_hash=model.hash if model is not None else "",
            container_image=task.container_image.strip(),
            container_arguments=task.container_arguments,
            container_setup_script=task.container_setup_script,
            container_use_image_env=task.container_use_image_env,
            binding=binding_in(session, task.queue),  # in the same read: one transaction fewer per task
        )


def output_folder(snapshot: TaskSnapshot, run_dir: Path) -> Path:
    """Where the SDK puts artifacts and models: the task's local output destination, else the run folder.

    For a remote destination (s3://, gs://, azure://) the files wait in the run folder; the worker uploads them."""
    uri = snapshot.output_uri.strip()
    if uri.startswith("file://"):
        uri = uri[len("file://"):]
    base = Path(uri) if uri.startswith("/") else run_dir / "outputs"
    return base / snapshot.id


def _inside(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if path != root and root not in path.parents:
        raise StepFailed(f"script not found: {relative}", "the path leaves the repository")
    return path


def resolve_binary(binary: str, env_bin: Path | None, path_variable: str) -> str:
    """The interpreter: python3 from the task's environment when it has one, else found on PATH."""
    if env_bin is not None and binary in PYTHON_NAMES:
        candidate = env_bin / "python"
        if candidate.exists():
            return str(candidate)
    search = os.pathsep.join(p for p in (str(env_bin) if env_bin else "", path_variable) if p)
    found = shutil.which(binary, path=search)
    if found is None:
        raise StepFailed(f"binary not found: {binary}", f"not on PATH {search}")
    return found


def build_command(
    snapshot: TaskSnapshot,
    repo_root: Path,
    config_dir: Path,
    env_bin: Path | None = None,
    extra_env: dict[str, str] | None = None,
    interpreter: str | None = None,
    base_env: Mapping[str, str] | None = None,
    sdk_lib: Path | None = None,
) -> Command:
    """argv, working directory and environment for the task's process (REFERENCE §3).

    `base_env` is the environment the task starts from: the worker's own, or a container's. `sdk_lib` is a
    shared copy of the SDK (`shared_sdk`); without it, the run folder gets its own."""
    repo_root = repo_root.resolve()
    module = snapshot.entry_point.startswith("-m ")
    if not snapshot.entry_point:
        raise StepFailed("script not found: (none)", "the task names no script")
    entry = snapshot.entry_point if module else str(_inside(repo_root, snapshot.entry_point))
    if not module and not Path(entry).is_file():
        raise StepFailed(f"script not found: {snapshot.entry_point}", f"no such file in {snapshot.source.ref_label}")
    if snapshot.working_dir.strip():
        cwd = _inside(repo_root, snapshot.working_dir.strip())
    else:  # the default is the folder holding the script
        cwd = Path(entry).parent if not module else repo_root
    if not cwd.is_dir():
        raise StepFailed(f"working directory not found: {snapshot.working_dir}")

    env = dict(os.environ if base_env is None else base_env)
    env.pop("TASKTUNE_DB", None)  # a task talks to its worker, not to the database
    if env_bin is not None:
        env["PATH"] = os.pathsep.join([str(env_bin), env.get("PATH", "")])
        env["VIRTUAL_ENV"] = str(env_bin.parent)
    # The SDK is importable from the task's own environment: it needs nothing beyond the standard library.
    sdk_dir = config_dir.parent / "sdk"
    paths = dict.fromkeys([str(repo_root), str(cwd), str(sdk_lib or install_sdk(sdk_dir / "lib"))])
    if env.get("PYTHONPATH"):
        paths[env["PYTHONPATH"]] = None
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"  # lines reach the console as they are printed
    write_config_files(config_dir, snapshot.configuration)
    env[CONFIG_DIR_VARIABLE] = str(config_dir)
    write_task_file(sdk_dir / "task.json", snapshot.id, snapshot.hyperparameters, snapshot.input_model_uri)
    env[OUTPUT_DIR_VARIABLE] = str(output_folder(snapshot, config_dir.parent))
    env[TASK_FILE_VARIABLE] = str(sdk_dir / "task.json")
    env[EVENTS_VARIABLE] = str(sdk_dir / "events.jsonl")
    env["TASKTUNE_TASK_ID"] = snapshot.id
    env.update(extra_env or {})
    env.update(environment_variables(snapshot.hyperparameters.get(ENVIRONMENT, {})))

    interpreter = interpreter or resolve_binary(snapshot.binary, env_bin, env.get("PATH", ""))
    script = script_argv(entry if not module else snapshot.entry_point, snapshot.hyperparameters,
                         snapshot.configuration, recorded_entry=snapshot.entry_point)
    return Command([interpreter, *script], cwd, env)
