"""A queue bound to a Slurm partition: its options (checked, stored as JSON with the queue), the `#SBATCH` options
a queue may add (an allow-list), and a task's `Resources` section bounded by what its queue allows."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from tasktune_gui.core.errors import InvalidValue

RESOURCES_SECTION = "Resources"
RESOURCE_KEYS = ("cpus", "mem", "gpus", "time")
# Further sbatch options a queue may set: none that changes where output goes, which user runs the job, what it
# runs or how TaskTune follows it (--output, --uid, --wrap, --parsable, --job-name, --chdir are ours).
SBATCH_ALLOWED = frozenset({
    "constraint", "exclude", "nodelist", "reservation", "exclusive", "gres", "gpus-per-node", "gpus-per-task",
    "cpus-per-gpu", "mem-per-cpu", "mem-per-gpu", "tmp", "licenses", "comment", "mail-type", "mail-user", "nice",
    "hint", "cluster-constraint", "clusters", "wckey", "begin", "deadline", "signal", "switches", "network",
    "no-requeue",  # a job its node failed (or a preemption) ends its task as NODE_FAIL rather than running again
})
_TIME = re.compile(r"^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$")
_MEM = re.compile(r"^(\d+)([KMGT]?)B?$", re.IGNORECASE)
_MEM_UNITS = {"K": 1 / 1024, "": 1, "M": 1, "G": 1024, "T": 1024 * 1024}


def time_seconds(value: str) -> int:
    """Slurm's time formats (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS) in seconds."""
    found = _TIME.match(value.strip())
    if not found:
        raise InvalidValue(f"'{value}' is not a Slurm time (minutes, HH:MM:SS or D-HH:MM:SS)")
    days, first, second, third = found.groups()
    parts = [int(p) for p in (first, second, third) if p is not None]
    if days is not None:
        hours, minutes, seconds = (parts + [0, 0])[:3]
        return ((int(days) * 24 + hours) * 60 + minutes) * 60 + seconds
    if len(parts) == 1:
        return parts[0] * 60
    if len(parts) == 2:
        return parts[0] * 60 + parts[1]
    return (parts[0] * 60 + parts[1]) * 60 + parts[2]


def mem_megabytes(value: str) -> float:
    found = _MEM.match(value.strip())
    if not found:
        raise InvalidValue(f"'{value}' is not a memory size (like 4G or 500M)")
    return int(found.group(1)) * _MEM_UNITS[found.group(2).upper()]


def _count(value: str, what: str) -> int:
    if not value.strip().isdigit() or int(value) < (0 if what == "GPUs" else 1):
        raise InvalidValue(f"'{value}' is not a number of {what}")
    return int(value)


def _one_line(value: str, what: str) -> str:
    value = value.strip()
    if any(ord(ch) < 32 or ch == "\x7f" for ch in value):
        raise InvalidValue(f"the {what} must be one line of printable characters")
    return value


@dataclass(frozen=True)
class SlurmOptions:
    """What a queue bound to a partition asks of Slurm; time, cpus, mem and gpus also bound a task's Resources."""

    partition: str
    account: str = ""
    qos: str = ""
    time: str = ""
    cpus: str = ""
    mem: str = ""
    gpus: str = ""
    sbatch: dict[str, str] = field(default_factory=dict)  # further options from the allow-list

    def checked(self) -> SlurmOptions:
        """The same options stripped, or InvalidValue naming the first bad one."""
        partition = _one_line(self.partition, "partition")
        if not partition or partition.startswith("-") or any(ch.isspace() for ch in partition):
            raise InvalidValue(f"'{self.partition}' is not a Slurm partition name")
        for name, value in (("account", self.account), ("QOS", self.qos)):
            if value.strip().startswith("-") or any(ch.isspace() for ch in value.strip()):
                raise InvalidValue(f"'{value}' is not a Slurm {name} name")
        if self.time.strip():
            time_seconds(self.time)
        if self.mem.strip():
            mem_megabytes(self.mem)
        if self.cpus.strip():
            _count(self.cpus, "CPUs")
        if self.gpus.strip():
            _count(self.gpus, "GPUs")
        extra = {}
        for name, value in self.sbatch.items():
            key = name.strip().lstrip("-")
            if key not in SBATCH_ALLOWED:
                raise InvalidValue(f"sbatch option '--{key}' is not allowed for a queue "
                                   f"(allowed: {', '.join(sorted(SBATCH_ALLOWED))})")
            extra[key] = _one_line(value, f"value of --{key}")
        return SlurmOptions(partition, self.account.strip(), self.qos.strip(), self.time.strip(), self.cpus.strip(),
                            self.mem.strip(), self.gpus.strip(), extra)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SlurmOptions | None:
        if not text.strip():
            return None
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def with_changes(self, **changes: object) -> SlurmOptions:
        data = asdict(self)
        data.update({k: v for k, v in changes.items() if v is not None})
        return SlurmOptions(**data)


def parse_sbatch_option(text: str) -> tuple[str, str]:
    """`OPTION=VALUE` (or a bare `OPTION` for a flag) as the command line gives it."""
    name, _, value = text.partition("=")
    if not name.strip():
        raise InvalidValue(f"'{text}' is not OPTION=VALUE")
    return name.strip().lstrip("-"), value


def job_resources(options: SlurmOptions, requested: dict[str, str]) -> dict[str, str]:
    """The cpus, mem, gpus and time of a task's job: its `Resources` values where it sets them, within the
    queue's; the queue's otherwise. InvalidValue when a value is malformed or more than the queue allows."""
    queue = {"cpus": options.cpus, "mem": options.mem, "gpus": options.gpus, "time": options.time}
    chosen = dict(queue)
    for key, value in requested.items():
        value = value.strip()
        if key not in RESOURCE_KEYS:
            raise InvalidValue(f"Resources/{key} is not a resource (use {', '.join(RESOURCE_KEYS)})")
        if not value:
            continue
        measure = {"cpus": lambda v: _count(v, "CPUs"), "gpus": lambda v: _count(v, "GPUs"),
                   "mem": mem_megabytes, "time": time_seconds}[key]
        asked = measure(value)
        if queue[key] and asked > measure(queue[key]):
            raise InvalidValue(f"Resources/{key} = {value} is more than queue's {queue[key]}")
        chosen[key] = value
    return {k: v for k, v in chosen.items() if v}
