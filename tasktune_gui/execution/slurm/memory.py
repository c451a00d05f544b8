"""Whether the kernel's OOM killer ended a process of this job: Slurm enforces `--mem` with a memory cgroup, and the
runner, whose own cgroup it is, reads its count to tell OUT_OF_MEMORY from any other kill."""

from __future__ import annotations

from pathlib import Path

OUT_OF_MEMORY = "OUT_OF_MEMORY"  # Slurm's own word for the state, as the task's reason


def _count(path: Path) -> int:
    """The `oom_kill N` line of a cgroup's memory.oom_control (v1) or memory.events (v2)."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        name, _, value = line.partition(" ")
        if name == "oom_kill" and value.strip().isdigit():
            return int(value)
    return 0


def oom_kills(proc_cgroup: Path = Path("/proc/self/cgroup"), root: Path = Path("/sys/fs/cgroup")) -> int:
    """How many processes the OOM killer ended in this process's memory cgroup; 0 where there is none."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return 0
    entries = [line.split(":", 2) for line in lines if line.count(":") >= 2]
    for _, controllers, path in entries:
        if "memory" in controllers.split(","):  # cgroup v1 (or hybrid): the memory hierarchy of its own
            return _count(root / "memory" / path.lstrip("/") / "memory.oom_control")
    for hierarchy, _, path in entries:
        if hierarchy == "0":  # cgroup v2: one hierarchy
            return _count(root / path.lstrip("/") / "memory.events")
    return 0
