"""The remote agent's cache on an SSH host (standard library only): commit trees and environments, LRU-evicted."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from typing import Any
from urllib.parse import unquote

READY = ".tasktune-ready"
LAST_USED = ".tasktune-last-used"
SIZE = ".tasktune-size"
TREE_GONE = "commit tree gone from the host cache"
# A run folder with no process yet that is older than this was left by a launcher that never started it.
STALE_PREPARE_S = 3600
FILE_URL = re.compile(r"file://(/[^\s;#]*)")


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


def _is_python(binary: str) -> bool:
    return binary in ("python", "python3") or binary.startswith("python3.")


def _normalize(text: str) -> str:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def repository_relative(frozen: str, repo: str) -> str:
    """Packages installed from files of the repository named by their path in it, as `./wheels/x.whl`: the
    run's folder goes when it ends, and a clone runs in a folder of its own (the local worker uses this too)."""
    roots = dict.fromkeys([os.path.abspath(repo), os.path.realpath(repo)])

    def inside(match: Any) -> str:
        path = os.path.normpath(unquote(match.group(1)))
        for root in roots:
            if path == root or path.startswith(root + os.sep):
                return "./" + os.path.relpath(path, root) if path != root else "."
        return str(match.group(0))

    lines = []
    for line in frozen.splitlines():
        text = FILE_URL.sub(inside, line)
        _name, at, where = text.partition(" @ ")
        lines.append(where if at and where.startswith(".") else text)  # pip reads a bare path, not "name @ ./x"
    return "".join(line + "\n" for line in lines)


def _find_uv() -> str | None:
    # A non-interactive SSH session skips the profile that puts these folders on PATH.
    extra = [os.path.expanduser(p) for p in ("~/.local/bin", "~/.cargo/bin")]
    return shutil.which("uv", path=os.pathsep.join([os.environ.get("PATH", ""), *extra]))


def _interpreter(binary: str) -> str:
    """The real interpreter behind `binary`: a pyenv shim costs a shell script's start on every run."""
    if binary in ("python", "python3"):
        return sys.executable  # the launcher started this agent with the host's python3, resolved
    found = shutil.which(binary)
    if found is None:
        raise Refused("binary not found: " + binary, "not on the host's PATH")
    result = subprocess.run([found, "-c", "import sys; print(sys.executable)"], capture_output=True, check=False)
    return result.stdout.decode().strip() or found


def _tree_size(path: str) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue
    return total


def environment(base: str, binary: str, requirements: str, repo: str, run: str) -> tuple[str | None, str]:
    """The bin folder of a cached environment for (interpreter, packages), made with uv or venv + pip; the run's
    env.json names it, written under the environment's lock so that no eviction takes it from under the run."""
    env_file = os.path.join(run, "env.json")
    if not _is_python(binary):
        requirements = ""
    elif not requirements.strip() and os.path.isfile(os.path.join(repo, "requirements.txt")):
        with open(os.path.join(repo, "requirements.txt"), encoding="utf-8", errors="replace") as handle:
            requirements = handle.read()
    if not requirements.strip():
        with open(env_file, "w", encoding="utf-8") as handle:
            json.dump({"bin": None}, handle)
        return None, ""
    interpreter = _interpreter(binary)
    key = hashlib.sha256((interpreter + "\n" + _normalize(requirements)).encode()).hexdigest()[:20]
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
                handle.write(str(_tree_size(folder)))
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
            return repository_relative(_run([uv, "pip", "freeze", "--python", python]), repo)
        _run([interpreter, "-m", "venv", folder])
        _run([python, "-m", "pip", "install", "--quiet", "-r", req_file], cwd=repo)
        return repository_relative(_run([python, "-m", "pip", "freeze"]), repo)
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
    entries: list[tuple[float, int, str]] = []
    trees = os.path.join(base, "trees")
    for name in os.listdir(trees) if os.path.isdir(trees) else []:
        try:
            stat = os.stat(os.path.join(trees, name)) if name.endswith(".tar") else None
        except FileNotFoundError:  # evicted by another agent meanwhile
            stat = None
        if stat is not None:
            entries.append((stat.st_mtime, stat.st_size, os.path.join(trees, name)))
    envs = os.path.join(base, "envs")
    for name in os.listdir(envs) if os.path.isdir(envs) else []:
        folder = os.path.join(envs, name)
        if not os.path.isdir(folder) or not os.path.exists(os.path.join(folder, READY)):
            continue
        try:
            with open(os.path.join(folder, SIZE)) as handle:
                size = int(handle.read())
        except (OSError, ValueError):  # made by an agent that did not measure it: measured once, now
            size = _tree_size(folder)
            with open(os.path.join(folder, SIZE), "w") as handle:
                handle.write(str(size))
        marker = os.path.join(folder, LAST_USED)
        entries.append((os.stat(marker).st_mtime if os.path.exists(marker) else 0.0, size, folder))
    return entries


def evict(base: str, max_bytes: int, keep: tuple[str, ...] = ()) -> list[str]:
    """Remove least recently used trees and environments until the cache fits in `max_bytes`; never one in
    `keep`, one a run that has not ended uses, or one another agent holds at the moment."""
    entries = _entries(base)
    total = sum(size for _, size, _ in entries)
    if total <= max_bytes:
        return []
    removed: list[str] = []
    for _used, size, path in sorted(entries):
        if total <= max_bytes:
            break
        if path in keep:
            continue
        with open(path + ".lock", "w") as lock:
            try:  # a prepare that holds it uses it now; it will be the most recently used one
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            if path.endswith(".tar"):
                os.unlink(path)
            elif path in _environments_in_use(base):  # read under its lock: a prepare naming it now waits
                continue
            else:
                shutil.rmtree(path, ignore_errors=True)
        total -= size
        removed.append(path)
    return removed
