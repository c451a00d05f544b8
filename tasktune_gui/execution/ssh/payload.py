"""What a remote run ships to the host: the commit's tree as a tar (cached there by commit), the diff's files,
and the start request (arguments, environment variables, configuration files, the SDK's task file)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path
from typing import Any

from tasktune_gui.core.assets import package_path
from tasktune_gui.execution.cache.workspace import git
from tasktune_gui.execution.run.commandline import ENVIRONMENT, config_file_name, environment_variables, script_argv
from tasktune_gui.execution.run.launch import TaskSnapshot


def tree_archive(mirror: Path, commit: str, destination: Path) -> None:
    """`git archive` of the commit from the local mirror: the host needs no git, only Python's tarfile."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f"{destination.name}.{uuid.uuid4().hex}.partial")  # two slots may race here
    git(["archive", "--format=tar", "-o", str(partial), commit], cwd=mirror)
    partial.replace(destination)


def diff_paths(repo: Path, diff: str) -> list[str]:
    """Every path the applied diff changed in the workspace `repo` (both names of a rename), read by git itself
    from the checkout: `git apply --numstat` names only the new path of a rename, which left the old one on
    the host."""
    if not diff.strip():
        return []
    changed = git(["-c", "core.quotepath=off", "diff", "--no-renames", "--name-only", "-z", "HEAD"], cwd=repo)
    added = git(["ls-files", "--others", "-z"], cwd=repo)  # `git apply` leaves new files untracked
    return list(dict.fromkeys(path for path in (changed + added).split("\0") if path))


def overlay(repo: Path, diff: str) -> tuple[bytes, list[str]]:
    """The diff's result as files: a tar of what it adds or changes, and the paths it deletes."""
    buffer = io.BytesIO()
    deleted: list[str] = []
    added = 0
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for relative in diff_paths(repo, diff):
            path = repo / relative
            if path.exists() or path.is_symlink():
                archive.add(str(path), arcname=relative, recursive=False)
                added += 1
            else:
                deleted.append(relative)
    return (buffer.getvalue() if added else b""), deleted


def prepare_request(
    snapshot: TaskSnapshot, base: str, commit: str, repo: Path, cache_max_bytes: int | None = None
) -> dict[str, Any]:
    """With `cache_max_bytes`, the host's trees and environments are then evicted down to that size."""
    data, deleted = overlay(repo, snapshot.diff)
    return {"base": base, "task": snapshot.id, "commit": commit, "overlay": base64.b64encode(data).decode(),
            "deleted": deleted, "binary": snapshot.binary, "requirements": snapshot.requirements,
            "cache_max_bytes": cache_max_bytes}


def start_request(
    snapshot: TaskSnapshot, base: str, sdk: str, extra_env: dict[str, str], gpus: str = ""
) -> dict[str, Any]:
    """What the agent needs to start the task; with `gpus` (the queue's), it takes one of them that is free."""
    names: dict[str, str] = {}
    files: dict[str, str] = {}
    for name, spec in snapshot.configuration.items():
        file_name = config_file_name(name, spec.get("type", ""))
        while file_name in names.values():
            file_name = f"_{file_name}"
        names[name] = file_name
        files[f"config/{file_name}"] = spec.get("value", "")
    sections = {section: {name: spec.get("value", "") for name, spec in values.items()}
                for section, values in snapshot.hyperparameters.items()}
    files["sdk/task.json"] = json.dumps({"id": snapshot.id, "hyperparameters": sections,
                                         "input_model_uri": snapshot.input_model_uri})
    module = snapshot.entry_point.startswith("-m ")
    args = script_argv(snapshot.entry_point, snapshot.hyperparameters, snapshot.configuration)[2 if module else 1:]
    env = {**extra_env, **environment_variables(snapshot.hyperparameters.get(ENVIRONMENT, {}))}
    return {"base": base, "task": snapshot.id, "entry_point": snapshot.entry_point, "ref": snapshot.source.ref_label,
            "working_dir": snapshot.working_dir, "binary": snapshot.binary, "args": args, "env": env,
            "files": files, "config_index": names, "sdk": sdk, "gpus": gpus}


AGENT_MODULES = (("tasktune_gui.execution.cache", "entries.py"), ("tasktune_gui.execution.ssh.agent", "host_cache.py"),
                 ("tasktune_gui.execution.ssh.agent", "agent.py"))


def agent_files() -> tuple[dict[str, bytes], str]:
    """The agent's modules, side by side in one folder on the host (the script last, as it is the one the
    launcher checks for), and that folder's name, by content: a new TaskTune uploads its own."""
    files = {name: package_path(package, name).read_bytes() for package, name in AGENT_MODULES}
    return files, f"agent-{hashlib.sha256(b''.join(files.values())).hexdigest()[:12]}"
