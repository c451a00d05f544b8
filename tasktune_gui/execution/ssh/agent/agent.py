"""The helper uploaded to an SSH host (standard library only): prepares a run, starts it detached, streams its files.

Run as `python3 agent.py serve`: requests come as JSON lines on stdin, answers go as JSON lines on stdout. Task
values only ever travel inside that JSON, so the remote login shell never reads one. Kept compatible with older
Python 3 releases than TaskTune's own, since it runs with whatever `python3` the host has."""

from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from typing import Any

if __package__:  # imported within TaskTune: by the launcher, which uploads it, and by the tests
    from tasktune_gui.execution.ssh.agent import host_cache
else:  # run on the host as a script, from the folder it was uploaded to with host_cache.py and entries.py
    import host_cache  # type: ignore[no-redef]

FOLLOW_POLL_S = 0.02
READ_CHUNK = 1 << 20
STREAMS = (("out", "out.log"), ("err", "err.log"), ("ev", os.path.join("sdk", "events.jsonl")))
Refused = host_cache.Refused


def _inside(root: str, relative: str, what: str) -> str:
    path = os.path.realpath(os.path.join(root, relative))
    if path != root and not path.startswith(root + os.sep):
        raise Refused(what + " not found: " + relative, "the path leaves the repository")
    return path


def prepare(request: dict[str, Any]) -> dict[str, Any]:
    """The run folder: the commit's tree, the diff's files over it, the environment; nothing started yet."""
    base = os.path.abspath(request["base"])
    run = os.path.join(base, "runs", request["task"])
    repo = os.path.join(run, "repo")
    recorded = os.path.join(base, f"python.{os.getpid()}.tmp")
    with open(recorded, "w") as handle:  # the next launcher starts this interpreter directly, not a shim
        handle.write(sys.executable)
    os.replace(recorded, os.path.join(base, "python"))
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(repo)
    host_cache.extract_tree(base, request["commit"], repo)
    overlay = base64.b64decode(request.get("overlay", ""))
    if overlay:
        with tarfile.open(fileobj=io.BytesIO(overlay)) as archive:
            host_cache.extract(archive, repo)
    for relative in request.get("deleted", []):
        path = _inside(os.path.realpath(repo), relative, "file")
        if os.path.lexists(path):
            os.unlink(path)
    env_bin, installed = host_cache.environment(base, request["binary"], request["requirements"], repo, run)
    removed: list[str] = []
    if request.get("cache_max_bytes") is not None:  # past its size, the host's cache loses what was used least
        keep = (os.path.join(base, "trees", request["commit"] + ".tar"), os.path.dirname(env_bin or ""))
        removed = host_cache.evict(base, int(request["cache_max_bytes"]), keep)
    return {"packages": installed, "env_bin": env_bin, "run": run, "evicted": removed}


def _command(request: dict[str, Any], run: str) -> dict[str, Any]:
    """argv, cwd and environment as the worker's build_command makes them, with the host's paths."""
    repo = os.path.realpath(os.path.join(run, "repo"))
    entry = request["entry_point"]
    module = entry.startswith("-m ")
    script = entry if module else _inside(repo, entry, "script")
    if not module and not os.path.isfile(script):
        raise Refused("script not found: " + entry, "no such file in " + request["ref"])
    if request["working_dir"].strip():
        cwd = _inside(repo, request["working_dir"].strip(), "working directory")
    else:
        cwd = repo if module else os.path.dirname(script)
    if not os.path.isdir(cwd):
        raise Refused("working directory not found: " + request["working_dir"])
    with open(os.path.join(run, "env.json"), encoding="utf-8") as handle:
        env_bin = json.load(handle)["bin"]
    os.makedirs(os.path.join(run, "config"), exist_ok=True)
    for relative, text in request["files"].items():
        path = os.path.join(run, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    env = dict(os.environ)
    if env_bin:
        env["PATH"] = os.pathsep.join([env_bin, env.get("PATH", "")])
        env["VIRTUAL_ENV"] = os.path.dirname(env_bin)
    paths = [repo, cwd, os.path.abspath(request["sdk"])] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env["PYTHONUNBUFFERED"] = "1"
    config = os.path.join(run, "config")
    index = {name: os.path.join(config, file_name) for name, file_name in request["config_index"].items()}
    with open(os.path.join(config, "index.json"), "w", encoding="utf-8") as handle:
        json.dump(index, handle, indent=1)
    env.update({"TASKTUNE_CONFIG_DIR": config, "TASKTUNE_TASK_FILE": os.path.join(run, "sdk", "task.json"),
                "TASKTUNE_EVENTS": os.path.join(run, "sdk", "events.jsonl"), "TASKTUNE_TASK_ID": request["task"],
                "TASKTUNE_OUTPUT_DIR": os.path.join(run, "outputs", request["task"])})
    env.pop("TASKTUNE_DB", None)
    env.update(request["env"])
    binary = request["binary"]
    found = os.path.join(env_bin, "python") if env_bin and binary in ("python", "python3") else None
    search = os.pathsep.join(p for p in (env_bin or "", env.get("PATH", "")) if p)
    if found is None and not env_bin and binary in ("python", "python3"):
        found = sys.executable
    interpreter = found if found and os.path.exists(found) else shutil.which(binary, path=search)
    if interpreter is None:
        raise Refused("binary not found: " + binary, "not on PATH " + search)
    head = entry.split(None, 1) if module else [script]
    gpus = [gpu for gpu in request.get("gpus", "").split(",") if gpu.strip()]
    base = os.path.abspath(request["base"])
    return {"argv": [interpreter, *head, *request["args"]], "cwd": cwd, "env": env, "gpus": gpus, "base": base}


def start(request: dict[str, Any]) -> dict[str, Any]:
    """Write the command and start the supervisor in its own session, so the SSH session may go away."""
    run = os.path.join(os.path.abspath(request["base"]), "runs", request["task"])
    with open(os.path.join(run, "spec.json"), "w", encoding="utf-8") as handle:
        json.dump(_command(request, run), handle)
    for _name, relative in STREAMS:
        os.makedirs(os.path.dirname(os.path.join(run, relative)), exist_ok=True)
        open(os.path.join(run, relative), "ab").close()
    # Forked, not a new interpreter (a Python start is a fifth of a warm start); twice, so that the supervisor
    # is nobody's child here and leads a session of its own, away from the SSH session's hang-up.
    child = os.fork()
    if child == 0:
        _detach(run)
    os.waitpid(child, 0)
    with open(os.path.join(run, "pid")) as handle:
        pid = int(handle.read())
    return {"pid": pid, "run": run}


def _detach(run: str) -> None:
    """In the forked child: a new session, then the supervisor in a grandchild that leads its own group."""
    code = 1
    try:
        os.setsid()
        grandchild = os.fork()
        if grandchild == 0:
            os.setpgid(0, 0)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):  # let go of the SSH channel, so it may close while the run goes on
                os.dup2(devnull, fd)
            os.chdir(run)
            try:
                supervise(run)
            finally:
                os._exit(0)
        with open(os.path.join(run, "pid.tmp"), "w") as handle:
            handle.write(str(grandchild))
        os.replace(os.path.join(run, "pid.tmp"), os.path.join(run, "pid"))
        code = 0
    finally:
        os._exit(code)


def _take_gpu(base: str, gpus: list[str], terminated: list[bool]) -> tuple[Any, str] | None:
    """A GPU no other run on this host holds: its lock file stays open (held) until this process ends."""
    folder = os.path.join(base, "gpus")
    os.makedirs(folder, exist_ok=True)
    while not terminated:
        for gpu in gpus:
            handle = open(os.path.join(folder, gpu + ".lock"), "w")  # noqa: SIM115 - held for the run
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle, gpu
            except OSError:
                handle.close()
        time.sleep(0.5)  # every GPU is busy: the task waits its turn, Running
    return None


def supervise(run: str) -> None:
    """Session leader of the run: starts the task in its group, waits, writes the exit code for the launcher."""
    # A Python handler, unlike SIG_IGN, is not inherited by the task: an abort's SIGTERM reaches the task,
    # while this process stays to record how it ended.
    terminated: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: terminated.append(True))
    with open(os.path.join(run, "spec.json"), encoding="utf-8") as handle:
        spec = json.load(handle)
    held = _take_gpu(spec["base"], spec["gpus"], terminated) if spec["gpus"] else None
    if held is not None:
        spec["env"]["CUDA_VISIBLE_DEVICES"] = held[1]
    with open(os.path.join(run, "out.log"), "ab") as out, open(os.path.join(run, "err.log"), "ab") as err:
        try:
            if terminated:
                raise InterruptedError("aborted while waiting for a free GPU")
            child = subprocess.Popen(spec["argv"], cwd=spec["cwd"], env=spec["env"], stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=err)
            code = child.wait()
        except InterruptedError:
            code = -signal.SIGTERM
        except OSError as exc:
            err.write(("cannot start " + spec["argv"][0] + ": " + str(exc) + "\n").encode())
            code = 127
    with open(os.path.join(run, "exit.tmp"), "w") as handle:
        handle.write(str(code))
    os.replace(os.path.join(run, "exit.tmp"), os.path.join(run, "exit"))


def follow(run: str, offsets: list[int]) -> None:
    """Frames `NAME OFFSET LENGTH\\n` + bytes of each file from the given offsets; `exit CODE 0` at the end."""
    out = sys.stdout.buffer
    with open(os.path.join(run, "pid")) as handle:
        pid = int(handle.read())
    while True:
        ended = os.path.exists(os.path.join(run, "exit")) or not host_cache.alive(pid)
        sent = False
        for index, (name, relative) in enumerate(STREAMS):
            try:
                with open(os.path.join(run, relative), "rb") as handle:
                    handle.seek(offsets[index])
                    data = handle.read(READ_CHUNK)
            except OSError:
                continue
            if data:
                out.write(f"{name} {offsets[index]} {len(data)}\n".encode() + data)
                offsets[index] += len(data)
                sent = True
        if sent:
            out.flush()
            continue
        if ended:  # read everything once more after the end was seen: nothing written before it is lost
            try:
                with open(os.path.join(run, "exit")) as handle:
                    code = handle.read().strip()
            except OSError:
                code = "killed"
            out.write(f"exit {code} 0\n".encode())
            out.flush()
            return
        time.sleep(FOLLOW_POLL_S)


def _descendants(pid: int) -> list[int]:
    """Children and grandchildren from /proc, including those that left the group with setsid."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(parent, []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found.extend(children)
        todo.extend(children)
    return found


def _signal(pid: int, escaped: list[int], number: int) -> bool:
    """Signal the group `pid` leads and the descendants listed; False when the group was gone already."""
    try:
        os.killpg(pid, number)
        present = True
    except ProcessLookupError:
        present = False
    for child in escaped:
        try:
            os.kill(child, number)
        except (ProcessLookupError, PermissionError):
            continue
    return present


def kill(run: str, name: str) -> dict[str, Any]:
    """Signal the run's process group and every descendant (listed first: an orphan is reparented away)."""
    with open(os.path.join(run, "pid")) as handle:
        pid = int(handle.read())
    escaped = _descendants(pid) if os.path.isdir("/proc") else []
    present = _signal(pid, escaped, getattr(signal, name))
    return {"gone": not present and not escaped}


def _live_pid(run: str) -> int | None:
    """The supervisor's pid while the run has not ended."""
    try:
        with open(os.path.join(run, "pid")) as handle:
            pid = int(handle.read())
    except (OSError, ValueError):
        return None
    if os.path.exists(os.path.join(run, "exit")) or not host_cache.alive(pid):
        return None
    return pid


def live_runs(base: str) -> dict[str, Any]:
    """The task ids of the runs on this host that have not ended."""
    runs = os.path.join(os.path.abspath(base), "runs")
    tasks = sorted(os.listdir(runs)) if os.path.isdir(runs) else []
    return {"tasks": [task for task in tasks if _live_pid(os.path.join(runs, task)) is not None]}


def reap(run: str, grace: float) -> dict[str, Any]:
    """End a run no launcher follows (its worker was lost): SIGTERM, SIGKILL to what is left after `grace`;
    then its folder goes, as the results it would have brought home have no task to go to."""
    pid = _live_pid(run)
    if pid is not None:
        escaped = _descendants(pid) if os.path.isdir("/proc") else []
        _signal(pid, escaped, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while _live_pid(run) is not None and time.monotonic() < deadline:
            time.sleep(FOLLOW_POLL_S)
        _signal(pid, escaped + _descendants(pid), signal.SIGKILL)
    shutil.rmtree(run, ignore_errors=True)
    return {"reaped": pid is not None}


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    try:
        action = request["action"]
        if action == "prepare":
            return prepare(request)
        if action == "start":
            return start(request)
        if action == "kill":
            return kill(request["run"], request["signal"])
        if action == "runs":
            return live_runs(request["base"])
        if action == "reap":
            return reap(request["run"], float(request["grace"]))
        if action == "remove":  # the run has ended and its results are home: its folder goes
            shutil.rmtree(request["run"], ignore_errors=True)
            return {}
        raise Refused("remote step failed", "unknown action " + str(action))
    except Refused as exc:
        return {"error": [str(part) for part in exc.args]}
    except Exception as exc:  # reported to the launcher as the task's failure detail
        return {"error": ["remote step failed", type(exc).__name__ + ": " + str(exc)]}


def serve() -> None:
    """Answer JSON requests, one per line, on one SSH channel; a follow request streams until the run ends.

    One long-lived channel per connection: every command over SSH pays the login shell's start-up (a profile
    that loads pyenv or conda costs half a second), so the launcher asks for one and sends everything through it."""
    out = sys.stdout.buffer
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return
        request = json.loads(line)
        if request.get("action") == "follow":
            follow(request["run"], [int(value) for value in request["offsets"]])
            return
        out.write(json.dumps(_answer(request)).encode() + b"\n")
        out.flush()


def main() -> None:
    serve()


if __name__ == "__main__":
    main()
