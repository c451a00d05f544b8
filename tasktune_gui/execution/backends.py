"""The backends a worker knows, by mode. Each is imported when a run first uses it, so a worker that runs tasks
only on this machine never loads the docker SDK or asyncssh."""

from __future__ import annotations

from tasktune_gui.execution.run.backend import Backend, Backends, RunContext


def _local(context: RunContext) -> Backend:
    from tasktune_gui.execution.local.backend import LocalBackend

    return LocalBackend(context)


def _docker(context: RunContext) -> Backend:
    from tasktune_gui.execution.docker.backend import DockerBackend

    return DockerBackend(context)


def _ssh(context: RunContext) -> Backend:
    from tasktune_gui.execution.ssh.backend import SshBackend

    return SshBackend(context)


def default_backends() -> Backends:
    return Backends({"local": _local, "docker": _docker, "ssh": _ssh})
