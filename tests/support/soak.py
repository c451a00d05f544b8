"""The soak: a window process switched between tasks and tabs while a worker process streams a console into one of
them, and the verdict on what it sampled (tests/ui/test_soak.py, bench/bench_soak.py)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# Paced so the stream lasts the whole soak (about half a minute here), with a scalar per batch for SCALARS.
STREAMER = """import sys, time
from tasktune_gui import sdk
write = sys.stdout.write
for i in range({lines}):
    write(f"step {{i}} loss {{1 / (i + 1):.6f}} " + "x" * 40 + "\\n")
    if i % {batch} == {batch} - 1:
        sys.stdout.flush()
        sdk.report_scalar("loss", "train", 1 / (i + 1), i)
        time.sleep({pause})
"""
NONE_FALL_LIMIT = 300  # "a few hundred": a binding that loses them loses hundreds a switch
RSS_GROWTH_LIMIT_MB = 150
# What may change between samples taken in the same state without being a leak.
SECOND_HALF_SLACK = {"qobjects": 40, "widgets": 20, "python_objects": 2500, "window_children": 40,
                     "active_timers": 3, "python_threads": 2, "threads": 3, "fds": 4, "db_fds": 3,
                     "pool_checked_out": 1}


@dataclass
class SoakRun:
    returncode: int
    stderr: str
    result: dict[str, Any] = field(default_factory=dict)
    samples: list[dict[str, Any]] = field(default_factory=list)  # as they were printed (a dead process's too)
    lines_stored: int = 0


def make_streamer_repo(folder: Path, lines: int, seconds: float) -> tuple[Path, str]:
    """A git repository whose stream.py prints `lines` lines over about `seconds`; its path and commit."""
    repo = folder / "stream-repo"
    repo.mkdir()
    batch = 1000
    pause = seconds / max(1, lines // batch)
    (repo / "stream.py").write_text(STREAMER.format(lines=lines, batch=batch, pause=round(pause, 4)))
    git = ["git", "-c", "user.name=soak", "-c", "user.email=soak@example.org", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "stream"]):
        subprocess.run([*git, *args], cwd=repo, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True)
    return repo, commit.stdout.strip()


def run_soak(folder: Path, python: str = sys.executable, switches: int = 1500, lines: int = 300_000,
             seconds: float = 30.0, sample_every: int = 100, timeout: float = 600) -> SoakRun:
    """Seed a demo database, enqueue the streaming task for a `tasktune worker` process, and run the window process
    (with `python`) over it; the worker is stopped whatever happens."""
    from tasktune_gui.app import open_core
    from tasktune_gui.core.models import Task
    from tasktune_gui.core.tasks import TaskQuery

    url = f"sqlite:///{folder / 'soak.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(folder / "data")}
    os.environ["XDG_DATA_HOME"] = env["XDG_DATA_HOME"]  # the demo repository, made by open_core below
    repo, commit = make_streamer_repo(folder, lines, seconds)
    core = open_core(url)
    try:
        demo = [task.id for task in core.tasks.query(TaskQuery())]
        streaming = core.tasks.add(Task(id="", name="streaming", repository=str(repo), entry_point="stream.py",
                                        commit=commit), "Demo")
        core.queues.ensure("soak")
        core.lifecycle.enqueue(streaming, "soak")
    finally:
        core.close()
    # --once: the worker runs the streaming task to its end and exits, so its exit is the stream's end.
    worker = subprocess.Popen([python, "-m", "tasktune_gui.cli.main", "--db", url, "worker", "--queue", "soak",
                               "--once", "--cache-dir", str(folder / "cache")], env=env, stderr=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL)
    try:
        done = subprocess.run([python, "-m", "tests.support.soak_window", url, streaming,
                               "--tasks", ",".join([streaming, *demo]), "--switches", str(switches),
                               "--sample-every", str(sample_every)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        with contextlib.suppress(subprocess.TimeoutExpired):  # a fast machine switches faster than it streams
            worker.wait(timeout)
    finally:
        worker.terminate()
        worker.wait(30)
    run = SoakRun(done.returncode, done.stderr)
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            read = json.loads(line)
            if "sample" in read:
                run.samples.append(read["sample"])
            else:
                run.result = read
    core = open_core(url, seed=False)
    try:
        run.lines_stored = len(core.results.console(streaming, after=0, limit=10**7))  # what the script printed
    finally:
        core.close()
    return run


def verdict(run: SoakRun, switches: int) -> list[str]:
    """Why the soak failed (empty when it held)."""
    if run.returncode != 0:
        fatal = [line for line in run.stderr.splitlines() if line.startswith("Fatal Python error")]
        said = " / ".join(fatal) if fatal else run.stderr.strip()[-1500:]
        last = run.samples[-1] if run.samples else {"switch": 0, "none_refs": None}
        start = run.samples[0]["none_refs"] if run.samples else None
        return [f"the window process died (exit code {run.returncode}) after {last['switch']}+ switches "
                f"(references to None: {start} at start, {last['none_refs']} at the last sample): {said}"]
    result, problems = run.result, []
    samples = result["samples"]
    first, last = samples[0], samples[-1]
    if result["switches"] < switches:
        problems.append(f"only {result['switches']} switches")
    fall = first["none_refs"] - min(s["none_refs"] for s in samples)
    if fall > NONE_FALL_LIMIT:
        problems.append(f"references to None fell by {fall} (a binding that loses them crashes a long session)")
    growth = last["rss_mb"] - first["rss_mb"]
    if growth > RSS_GROWTH_LIMIT_MB:
        problems.append(f"resident memory grew by {growth:.0f} MB")
    middle = samples[len(samples) // 2]
    for name, slack in SECOND_HALF_SLACK.items():
        if max(s[name] for s in samples[len(samples) // 2:]) > middle[name] + slack:
            series = [s[name] for s in samples]
            problems.append(f"{name} kept growing in the second half: {series}")
    closed = result["closed"]
    if closed["python_threads"] != 1 or closed["db_fds"] != 0:
        problems.append(f"the closed window left threads or database connections behind: {closed}")
    for tab in ("CONSOLE", "SCALARS"):
        if not result["shown"].get(f"streaming {tab}"):
            problems.append(f"the streaming task was never shown on {tab}")
    return problems
