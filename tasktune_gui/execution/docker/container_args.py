"""A task's container arguments (`docker run` options) parsed through an allow-list into docker SDK settings."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasktune_gui.execution.errors import StepFailed

# What a worker may allow with `--docker-allow NAME`: each gives a task power over the host.
ALLOWABLE = frozenset(
    {"privileged", "network-host", "pid-host", "ipc-host", "uts-host", "userns-host", "device", "cap-add",
     "security-opt", "mount", "gpus", "runtime"}
)
# Options a researcher needs to shape the container, taking one value each; value kept as written.
PLAIN_VALUES = {
    "--shm-size": "shm_size", "--user": "user", "-u": "user", "--memory": "mem_limit", "-m": "mem_limit",
    "--memory-swap": "memswap_limit", "--cpuset-cpus": "cpuset_cpus", "--hostname": "hostname", "-h": "hostname",
}
IGNORED_FLAGS = frozenset({"--rm", "-i", "-t", "-it", "-ti", "--interactive", "--tty", "--init"})
REFUSED_ALWAYS = {
    "--entrypoint": "the worker chooses the container's entry point",
    "--name": "the worker names its containers",
    "-w": "set the working directory in the task's execution instead",
    "--workdir": "set the working directory in the task's execution instead",
    "-d": "the worker follows the container itself",
    "--detach": "the worker follows the container itself",
}
NAMESPACES = {"--network": "network", "--net": "network", "--pid": "pid", "--ipc": "ipc", "--uts": "uts",
              "--userns": "userns"}
FLAG_OPTIONS = frozenset({"--privileged", *IGNORED_FLAGS})


class ContainerArgumentRefused(StepFailed):
    """One argument a worker will not apply; the message names it."""

    def __init__(self, argument: str, why: str) -> None:
        super().__init__(f"container argument refused: {argument}", why)
        self.argument = argument


@dataclass
class ContainerOptions:
    """What the arguments ask of the container, in the docker SDK's terms."""

    environment: dict[str, str] = field(default_factory=dict)
    binds: list[tuple[str, str, str]] = field(default_factory=list)  # host path, container path, "rw" or "ro"
    tmpfs: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # create() keyword arguments taken as they are
    cap_add: list[str] = field(default_factory=list)
    cap_drop: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    security_opt: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    extra_hosts: dict[str, str] = field(default_factory=dict)
    gpus: str | None = None  # as `--gpus` takes it: all, a count, or device=0,1

    def merged(self, later: ContainerOptions) -> ContainerOptions:
        """These options with `later`'s on top (the task's over the worker's): lists add up, values are replaced."""
        return ContainerOptions(
            environment={**self.environment, **later.environment},
            binds=[*self.binds, *later.binds],
            tmpfs={**self.tmpfs, **later.tmpfs},
            values={**self.values, **later.values},
            cap_add=[*self.cap_add, *later.cap_add],
            cap_drop=[*self.cap_drop, *later.cap_drop],
            devices=[*self.devices, *later.devices],
            security_opt=[*self.security_opt, *later.security_opt],
            labels={**self.labels, **later.labels},
            extra_hosts={**self.extra_hosts, **later.extra_hosts},
            gpus=later.gpus if later.gpus is not None else self.gpus,
        )


def parse_allow(text: str) -> frozenset[str]:
    """`privileged,network-host` → the set, refusing names the worker does not know."""
    names = frozenset(name.strip() for name in text.split(",") if name.strip())
    unknown = names - ALLOWABLE
    if unknown:
        raise ValueError(f"unknown --docker-allow names: {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(sorted(ALLOWABLE))})")
    return names


class _Parser:
    def __init__(self, workspace: Path, allow: frozenset[str] | None) -> None:
        self.workspace = workspace.resolve()
        self.allow = allow  # None: trusted (the worker's own arguments), everything goes
        self.options = ContainerOptions()

    def require(self, name: str, argument: str) -> None:
        if self.allow is not None and name not in self.allow:
            raise ContainerArgumentRefused(
                argument, f"{argument} gives the task power over the host; this worker does not allow it "
                          f"(a worker allows it with --docker-allow {name})")

    def option(self, option: str, value: str) -> None:
        argument = f"{option} {value}"
        if option in ("-e", "--env"):
            name, sep, text = value.partition("=")
            if not sep or not name:
                raise ContainerArgumentRefused(argument, "give the variable as NAME=VALUE")
            self.options.environment[name] = text
        elif option in ("-v", "--volume"):
            self.volume(argument, value)
        elif option == "--mount":
            self.mount(argument, value)
        elif option == "--tmpfs":
            target, _, opts = value.partition(":")
            self.options.tmpfs[target] = opts
        elif option in PLAIN_VALUES:
            self.options.values[PLAIN_VALUES[option]] = value
        elif option == "--cpus":
            try:
                self.options.values["nano_cpus"] = int(float(value) * 1e9)
            except ValueError:
                raise ContainerArgumentRefused(argument, "--cpus takes a number") from None
        elif option in NAMESPACES:
            self.namespace(option, value, argument)
        elif option == "--cap-add":
            self.require("cap-add", argument)
            self.options.cap_add.append(value)
        elif option == "--cap-drop":
            self.options.cap_drop.append(value)
        elif option == "--device":
            self.require("device", argument)
            self.options.devices.append(value)
        elif option == "--security-opt":
            self.require("security-opt", argument)
            self.options.security_opt.append(value)
        elif option == "--gpus":
            self.require("gpus", argument)
            self.options.gpus = value
        elif option == "--runtime":
            self.require("runtime", argument)
            self.options.values["runtime"] = value
        elif option in ("--label", "-l"):
            name, _, text = value.partition("=")
            self.options.labels[name] = text
        elif option == "--add-host":
            name, sep, address = value.partition(":")
            if not sep:
                raise ContainerArgumentRefused(argument, "give the host as NAME:ADDRESS")
            self.options.extra_hosts[name] = address
        else:
            raise ContainerArgumentRefused(option, "this worker does not know that docker run option")

    def namespace(self, option: str, value: str, argument: str) -> None:
        kind = NAMESPACES[option]
        if value == "host":
            self.require(f"{kind}-host", argument)
        elif value.startswith("container:"):
            self.require(f"{kind}-host" if kind != "network" else "network-host", argument)
        if kind == "network":
            self.options.values["network_mode"] = value
        elif kind in ("pid", "ipc", "uts", "userns"):
            self.options.values[f"{kind}_mode"] = value

    def host_path(self, source: str, argument: str) -> str:
        """Relative sources are below the workspace; anything else leaves it and needs `mount`."""
        path = (self.workspace / source).resolve()
        if path == Path("/"):
            self.require("mount", argument)
        if path != self.workspace and self.workspace not in path.parents:
            self.require("mount", argument)
        return str(path)

    def volume(self, argument: str, value: str) -> None:
        parts = value.split(":")
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ContainerArgumentRefused(argument, "give a mount as SOURCE:TARGET[:ro]")
        mode = parts[2] if len(parts) == 3 else "rw"
        if mode not in ("ro", "rw"):
            raise ContainerArgumentRefused(argument, "a mount's mode is ro or rw")
        if "/" not in parts[0] and not parts[0].startswith("."):  # a named volume lives outside the workspace
            self.require("mount", argument)
            source = parts[0]
        else:
            source = self.host_path(parts[0], argument)
        self.target(parts[1], argument)
        self.options.binds.append((source, parts[1], mode))

    def mount(self, argument: str, value: str) -> None:
        fields = dict(part.partition("=")[::2] for part in value.split(","))
        kind = fields.get("type", "volume")
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        self.target(target, argument)
        if kind == "tmpfs":
            self.options.tmpfs[target] = ""
            return
        source = fields.get("source") or fields.get("src") or ""
        if kind != "bind":
            self.require("mount", argument)
        else:
            source = self.host_path(source, argument)
        read_only = "readonly" in fields or "ro" in fields
        self.options.binds.append((source, target, "ro" if read_only else "rw"))

    def target(self, target: str, argument: str) -> None:
        if not target.startswith("/"):
            raise ContainerArgumentRefused(argument, "a mount's target is an absolute path in the container")
        if Path(target).resolve() == Path("/"):
            raise ContainerArgumentRefused(argument, "nothing may be mounted over the container's root")


def parse_container_args(text: str, workspace: Path, allow: frozenset[str] | None) -> ContainerOptions:
    """`--shm-size 1g -e A=1 -v data:/data` → ContainerOptions; `allow` None trusts every option (the worker's)."""
    try:
        tokens = shlex.split(text)
    except ValueError as exc:
        raise StepFailed("container arguments unreadable", f"{exc}: {text}") from None
    parser = _Parser(workspace, allow)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        option, sep, value = token.partition("=") if token.startswith("--") else (token, "", "")
        if not option.startswith("-"):
            raise ContainerArgumentRefused(token, "container arguments are options; the image has its own field")
        if option in REFUSED_ALWAYS:
            raise ContainerArgumentRefused(option, REFUSED_ALWAYS[option])
        if option in FLAG_OPTIONS:
            if option == "--privileged":
                parser.require("privileged", option)
                parser.options.values["privileged"] = True
            continue
        if not sep:
            if index >= len(tokens):
                raise ContainerArgumentRefused(option, f"{option} needs a value")
            value = tokens[index]
            index += 1
        parser.option(option, value)
    return parser.options
