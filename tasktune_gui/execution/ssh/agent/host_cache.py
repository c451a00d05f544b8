"""The remote agent's cache on an SSH host (standard library only): commit trees and environments, LRU-evicted."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from typing import Any

if __package__:  # imported within TaskTune
    from tasktune_gui.execution.cache import entries
else:  # on the host, from the folder it was uploaded to with entries.py
    import entries  # type: ignore[no-redef]

READY, LAST_USED, SIZE = entries.READY, entries.LAST_USED, entries.SIZE
TREE_GONE = "commit tree gone from the host cache"
# A run folder with no process yet that is older than this was left by a launcher that never started it.
STALE_PREPARE_S = 3600


class Refused(Exception):
    """A step failed: (short reason, detail), reported to the launcher as the task's status reason."""


def _run(argv: list[str], cwd: str | None = None) -> str:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    if result.returncode != 0:
        text = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
        raise Refused("failed creating environment", text[-4000:])
    return result.stdout.decode("utf-8", "replace")


def extract(archive: Any, destination: str) -> None:
    # The "data" filter (3.12, backported to 3.8.17+) refuses links and paths that leave the folder.
    if hasattr(tarfile, "data_filter"):
        archive.extractall(destination, filter="data")
    else:
        archive.extractall(destination)


def extract_tree(base: str, commit: str, repo: str) -> None:
    """The commit's cached tree into `repo`; held (shared) meanwhile, so an eviction waits its turn."""
    tree = os.path.join(base, "trees", commit + ".tar")
    with open(tree + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        try:
            os.utime(tree)  # its last use, for the eviction
        except FileNotFoundError:
            raise Refused(TREE_GONE, commit) from None
        with tarfile.open(tree) as archive:
            extract(archive, repo)


def _find_uv() -> str | None:
    # A non-interactive SSH session skips the profile that puts these folders on PATH.
    return entries.find_uv(after=[os.path.expanduser(p) for p in ("~/.local/bin", "~/.cargo/bin")])


def _interpreter(binary: str) -> str:
    """The real interpreter behind `binary`: a pyenv shim costs a shell script's start on every run."""
    if binary in ("python", "python3"):
        return sys.executable  # the launcher started this agent with the host's python3, resolved
    found = shutil.which(binary)
    if found is None:
        raise Refused("binary not found: " + binary, "not on the host's PATH")
    result = subprocess.run([found, "-c", "import sys; print(sys.executable)"], capture_output=True, check=False)
    return result.stdout.decode().strip() or found


def environment(base: str, binary: str, requirements: str, repo: str, run: str) -> tuple[str | None, str]:
    """The bin folder of a cached environment for (interpreter, packages), made with uv or venv + pip; the run's
    env.json names it, written under the environment's lock so that no eviction takes it from under the run."""
    env_file = os.path.join(run, "env.json")
    if not entries.is_python(binary):
        requirements = ""
    elif not requirements.strip() and os.path.isfile(os.path.join(repo, "requirements.txt")):
        with open(os.path.join(repo, "requirements.txt"), encoding="utf-8", errors="replace") as handle:
            requirements = handle.read()
    if not requirements.strip():
        with open(env_file, "w", encoding="utf-8") as handle:
            json.dump({"bin": None}, handle)
        return None, ""
    interpreter = _interpreter(binary)
    key = hashlib.sha256((interpreter + "\n" + entries.normalize_requirements(requirements)).encode()).hexdigest()[:20]
    folder = os.path.join(base, "envs", key)
    os.makedirs(os.path.dirname(folder), exist_ok=True)
    with open(folder + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(folder, READY)):
            shutil.rmtree(folder, ignore_errors=True)
            try:
                installed = _create(folder, interpreter, requirements, repo)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            with open(os.path.join(folder, SIZE), "w") as handle:  # measured once, not on every eviction
                handle.write(str(entries.tree_size(folder)))
            with open(os.path.join(folder, READY), "w", encoding="utf-8") as handle:
                handle.write(installed)
        open(os.path.join(folder, LAST_USED), "w").close()  # noqa: SIM115 - its time is its content
        with open(env_file, "w", encoding="utf-8") as handle:
            json.dump({"bin": os.path.join(folder, "bin")}, handle)
        with open(os.path.join(folder, READY), encoding="utf-8") as handle:
            return os.path.join(folder, "bin"), handle.read()


def _create(folder: str, interpreter: str, requirements: str, repo: str) -> str:
    req_file = folder + ".requirements.txt"
    with open(req_file, "w", encoding="utf-8") as handle:
        handle.write(requirements)
    python = os.path.join(folder, "bin", "python")
    uv = _find_uv()
    try:
        if uv:
            _run([uv, "venv", "--quiet", "--python", interpreter, folder])
            _run([uv, "pip", "install", "--quiet", "--python", python, "-r", req_file], cwd=repo)
            return entries.repository_relative(_run([uv, "pip", "freeze", "--python", python]), repo)
        _run([interpreter, "-m", "venv", folder])
        _run([python, "-m", "pip", "install", "--quiet", "-r", req_file], cwd=repo)
        return entries.repository_relative(_run([python, "-m", "pip", "freeze"]), repo)
    finally:
        os.unlink(req_file)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie nobody reaped (a container's first process may not) has ended all the same
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _environments_in_use(base: str) -> set[str]:
    """Environments of the runs on this host that have not ended (or are being prepared)."""
    used: set[str] = set()
    runs = os.path.join(base, "runs")
    for task in os.listdir(runs) if os.path.isdir(runs) else []:
        run = os.path.join(runs, task)
        try:
            with open(os.path.join(run, "env.json"), encoding="utf-8") as handle:
                env_bin = json.load(handle)["bin"]
            prepared = os.stat(os.path.join(run, "env.json")).st_mtime
        except (OSError, ValueError, KeyError):
            continue
        if not env_bin or os.path.exists(os.path.join(run, "exit")):
            continue
        try:
            with open(os.path.join(run, "pid")) as handle:
                running = alive(int(handle.read()))
        except FileNotFoundError:
            running = time.time() - prepared < STALE_PREPARE_S
        except (OSError, ValueError):
            running = True
        if running:
            used.add(os.path.dirname(env_bin))
    return used


def _entries(base: str) -> list[tuple[float, int, str]]:
    """(last use, size, path) of each cached tree and ready environment."""
    found: list[tuple[float, int, str]] = []
    trees = os.path.join(base, "trees")
    for name in os.listdir(trees) if os.path.isdir(trees) else []:
        try:
            stat = os.stat(os.path.join(trees, name)) if name.endswith(".tar") else None
        except FileNotFoundError:  # evicted by another agent meanwhile
            stat = None
        if stat is not None:
            found.append((stat.st_mtime, stat.st_size, os.path.join(trees, name)))
    envs = os.path.join(base, "envs")
    for name in os.listdir(envs) if os.path.isdir(envs) else []:
        folder = os.path.join(envs, name)
        if not os.path.isdir(folder) or not os.path.exists(os.path.join(folder, READY)):
            continue
        marker = os.path.join(folder, LAST_USED)
        found.append((os.stat(marker).st_mtime if os.path.exists(marker) else 0.0, entries.recorded_size(folder),
                      folder))
    return found


def evict(base: str, max_bytes: int, keep: tuple[str, ...] = ()) -> list[str]:
    """Remove least recently used trees and environments until the cache fits in `max_bytes`; never one in
    `keep`, one a run that has not ended uses, or one another agent holds at the moment."""

    def remove(path: str) -> bool:
        with entries.held_alone(path + ".lock") as alone:  # a prepare that holds it uses it now
            if not alone:
                return False
            if path.endswith(".tar"):
                os.unlink(path)
            elif path in _environments_in_use(base):  # read under its lock: a prepare naming it now waits
                return False
            else:
                shutil.rmtree(path, ignore_errors=True)
            return True

    return entries.evict_oldest(_entries(base), max_bytes, remove, keep)
