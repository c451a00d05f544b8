"""A task in a Docker container: image check (never a pull), setup script, environment, live console, abort."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
from docker.errors import APIError, DockerException, ImageNotFound, NotFound
from docker.models.containers import Container
from docker.types import DeviceRequest, Mount

from tasktune_gui.execution.cache.environments import find_uv
from tasktune_gui.execution.docker.config import DockerConfig
from tasktune_gui.execution.docker.container_args import ContainerOptions, parse_container_args
from tasktune_gui.execution.docker.environments import UV_IN_CONTAINER, ContainerEnvironments, image_folder
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.backend import Outcome
from tasktune_gui.execution.run.console import BatchSink, ConsoleCapture, split_lines
from tasktune_gui.execution.run.launch import Command
from tasktune_gui.execution.run.sdk_channel import EVENTS_VARIABLE

log = logging.getLogger(__name__)
# The container's first process only keeps it alive; setup, environment and task run beside it (docker exec),
# so what the setup script changes in the container is there for the task. As PID 1 it ignores SIGTERM.
KEEP_ALIVE = ["sleep", "2147483647"]
# SIGTERM to every process in the container but PID 1 and this shell: the task's whole tree, whatever it forked.
TERMINATE_ALL = ["sh", "-c", "kill -TERM -1"]
SETUP_SCRIPT = "setup.sh"
KILLED = 137
DEFAULT_HOST = "unix:///var/run/docker.sock"


@dataclass
class ContainerTask:
    """What the container needs from the task record."""

    task_id: str
    image: str
    arguments: str
    setup_script: str
    use_image_env: bool
    output_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)


class _Lines:
    """Chunks of a stream cut into whole lines for the console, the rest carried to the next chunk."""

    def __init__(self, capture: ConsoleCapture, stream: str) -> None:
        self.capture, self.stream, self.carry = capture, stream, b""

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        end = data.rfind(b"\n")
        if end < 0:
            self.carry = data
            return
        self.carry = data[end + 1:]
        self.capture.add(self.stream, split_lines(data[:end]))

    def flush(self) -> None:
        if self.carry:
            self.capture.add(self.stream, split_lines(self.carry))
            self.carry = b""


def connect() -> docker.DockerClient:
    """A client of the engine DOCKER_HOST names (else the default socket); StepFailed when none answers."""
    host = os.environ.get("DOCKER_HOST") or DEFAULT_HOST
    if host.startswith("unix://"):
        # Tried here first: the SDK leaves the socket of a refused connection open (a ResourceWarning).
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(host[len("unix://"):])
            except OSError as exc:
                raise StepFailed("Docker is not available on this machine", f"{host}: {exc}") from None
    try:
        return docker.from_env()
    except DockerException as exc:
        raise StepFailed("Docker is not available on this machine", str(exc)) from exc


def check_engine() -> str:
    """The engine's version, or StepFailed saying why no engine answers (for a worker to refuse at its start)."""
    client = connect()
    try:
        return str(client.version().get("Version", "?"))
    except DockerException as exc:
        raise StepFailed("Docker is not available on this machine", str(exc)) from exc
    finally:
        client.close()


def _close_stream(stream: Any) -> None:
    """An exec's output stream owns an upgraded connection: shut it, then close the response holding its file."""
    with contextlib.suppress(DockerException, OSError):
        stream.close()
    with contextlib.suppress(AttributeError, OSError):
        stream._response.close()  # else the socket lingers until garbage collection (a ResourceWarning)


def device_requests(options: ContainerOptions, slot_gpu: str | None) -> list[DeviceRequest]:
    """The slot's GPU (`worker --gpus`), else what an allowed `--gpus` asked for."""
    if slot_gpu is not None:
        return [DeviceRequest(device_ids=[slot_gpu], capabilities=[["gpu"]])]
    if options.gpus is None:
        return []
    value = options.gpus.strip().strip('"')
    if value == "all":
        return [DeviceRequest(count=-1, capabilities=[["gpu"]])]
    if value.isdigit():
        return [DeviceRequest(count=int(value), capabilities=[["gpu"]])]
    ids = value.removeprefix("device=").split(",")
    return [DeviceRequest(device_ids=[i.strip() for i in ids if i.strip()], capabilities=[["gpu"]])]


class ContainerRun:
    """One task's container; `stop()` may come from any thread, the other calls from the run's own."""

    def __init__(self, config: DockerConfig, task: ContainerTask, run_dir: Path, cache_dir: Path,
                 sink: BatchSink) -> None:
        self.config = config
        self.task = task
        self.run_dir = run_dir
        self.cache_dir = cache_dir
        self.capture: ConsoleCapture | None = None
        self._sink = sink
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        # Set by the console reader when the task's output has ended. Waiting on the reader thread being alive
        # raced: it could still be alive just after its last wake-up, and nothing would wake the waiter again.
        self._read_done = threading.Event()
        self._grace = 10.0
        self._container: Container | None = None
        self._exec_id: str | None = None
        self._reader: threading.Thread | None = None
        self.client = connect()
        self.image_id = ""
        self.base_env: dict[str, str] = {}
        self.pid: int | None = None  # the task runs by docker exec: no process id of this machine to show
        self.host = ""
        self.events: Path | None = None

    def ended_within(self, seconds: float) -> bool:
        """Never asked of the engine: the run follows a container's task from its start."""
        return False

    @property
    def container_id(self) -> str:
        return self._container.id[:12] if self._container is not None and self._container.id else ""

    # Preparing.

    def start(self, repo: Path) -> None:
        """Check the image (never pulling), create and start the container with its mounts."""
        image = self.task.image
        try:
            self.image_id = str(self.client.images.get(image).id)
        except ImageNotFound:
            hint = "TaskTune never pulls: build or load the image here (docker build / docker load)"
            raise StepFailed(f"image {image} is not available on this machine", hint) from None
        except DockerException as exc:
            raise StepFailed("Docker is not available on this machine", str(exc)) from exc
        worker_options = parse_container_args(self.config.args, Path.cwd(), None)
        task_options = parse_container_args(self.task.arguments, repo, self.config.allow)
        options = worker_options.merged(task_options)
        kwargs = self._create_arguments(repo, options)
        try:
            container = self.client.containers.create(self.image_id, **kwargs)
        except (APIError, DockerException) as exc:
            raise StepFailed("failed starting container", str(exc)) from exc
        with self._lock:
            self._container = container
        if self._stop.is_set():
            raise StepFailed("stopped before the container started")
        try:
            container.start()
        except (APIError, DockerException) as exc:
            raise StepFailed("failed starting container", str(exc)) from exc
        # As created: the image's variables, the engine's default PATH, and the -e options.
        env_list = container.attrs.get("Config", {}).get("Env") or []
        self.base_env = dict(item.partition("=")[::2] for item in env_list)

    def _create_arguments(self, repo: Path, options: ContainerOptions) -> dict[str, Any]:
        # Host folders appear at the same paths inside, so every path the command names is right on both sides.
        own = [self.run_dir, image_folder(self.cache_dir, self.image_id), self.task.output_dir]
        mounts: list[Mount] = []
        for folder in own:
            if any(folder == other or other in folder.parents for other in own if other != folder):
                continue  # already visible through a mounted parent
            folder.mkdir(parents=True, exist_ok=True)
            mounts.append(Mount(str(folder), str(folder), type="bind"))
        mirrors = self.cache_dir / "mirrors"  # the workspace's .git borrows their objects: git works inside too
        if mirrors.is_dir():
            mounts.append(Mount(str(mirrors), str(mirrors), type="bind", read_only=True))
        uv = find_uv() if self.config.host_uv else None
        if uv:
            mounts.append(Mount(UV_IN_CONTAINER, uv, type="bind", read_only=True))
        for source, target, mode in options.binds:
            if source.startswith("/"):
                if Path(source) == repo or repo in Path(source).parents:
                    Path(source).mkdir(parents=True, exist_ok=True)  # as `docker run -v` would
                mounts.append(Mount(target, source, type="bind", read_only=mode == "ro"))
            else:
                mounts.append(Mount(target, source, type="volume", read_only=mode == "ro"))
        env = dict(self.task.extra_env)
        slot_gpu = env.pop("CUDA_VISIBLE_DEVICES", None)  # inside, the slot's GPU is device 0
        kwargs: dict[str, Any] = {
            "entrypoint": KEEP_ALIVE[:1], "command": KEEP_ALIVE[1:], "detach": True,
            "name": f"tasktune-{self.task.task_id}-{uuid.uuid4().hex[:6]}",
            "labels": {**options.labels, "tasktune.task": self.task.task_id},
            "environment": {**options.environment, **env}, "mounts": mounts,
            "device_requests": device_requests(options, slot_gpu) or None,
            **options.values,
        }
        extras = {"tmpfs": options.tmpfs, "cap_add": options.cap_add, "cap_drop": options.cap_drop,
                  "devices": options.devices, "security_opt": options.security_opt,
                  "extra_hosts": options.extra_hosts}
        kwargs.update({name: value for name, value in extras.items() if value})
        return {name: value for name, value in kwargs.items() if value is not None}

    def run_step(self, argv: Sequence[str], workdir: Path, env: dict[str, str],
                 on_chunk: Callable[[str, bytes], None] | None = None) -> tuple[int, str]:
        """Run argv in the container to its end; (exit code, its output when no `on_chunk` takes it)."""
        container = self._require_container()
        api = self.client.api
        try:
            exec_id = api.exec_create(container.id, list(argv), environment={**self.base_env, **env},
                                      workdir=str(workdir))["Id"]
            output: list[bytes] = []
            frames = api.exec_start(exec_id, stream=True, demux=True)
            try:
                for out, err in frames:
                    for stream, chunk in (("stdout", out), ("stderr", err)):
                        if chunk and on_chunk is not None:
                            on_chunk(stream, chunk)
                        elif chunk:
                            output.append(chunk)
            finally:
                _close_stream(frames)
            code = api.exec_inspect(exec_id).get("ExitCode")
        except (APIError, DockerException) as exc:
            if self._stop.is_set():
                raise StepFailed("stopped", str(exc)) from exc
            raise StepFailed("container step failed", str(exc)) from exc
        text = b"".join(output).decode("utf-8", errors="replace")
        return (KILLED if code is None else int(code)), text

    def _require_container(self) -> Container:
        with self._lock:
            container = self._container
        if container is None or self._stop.is_set():
            raise StepFailed("stopped before the container was ready")
        return container

    def run_setup(self, repo: Path) -> None:
        """The task's setup shell script, by the container's own shell, its output on the console."""
        if not self.task.setup_script.strip():
            return
        script = self.run_dir / SETUP_SCRIPT
        script.write_text(self.task.setup_script, encoding="utf-8")
        # Its own capture, closed at the script's end: its lines are all in before the next step's.
        capture = ConsoleCapture(self._sink)
        lines = {"stdout": _Lines(capture, "stdout"), "stderr": _Lines(capture, "stderr")}
        try:
            code, _ = self.run_step(["sh", str(script)], repo, {"TASKTUNE_TASK_ID": self.task.task_id},
                                    lambda stream, chunk: lines[stream].feed(chunk))
        finally:
            for splitter in lines.values():
                splitter.flush()
            capture.close()
        if code != 0:
            detail = "\n".join(capture.last_stderr)
            raise StepFailed("failed container setup script", f"exit code {code}\n{detail}".strip())

    def environments(self) -> ContainerEnvironments:
        return ContainerEnvironments(image_folder(self.cache_dir, self.image_id),
                                     self.run_step,
                                     uv=self.config.host_uv and find_uv() is not None,
                                     max_bytes=self.config.env_max_bytes)

    # The task itself.

    def launch(self, command: Command, sink: BatchSink) -> None:
        """Start the task's command in the container; its output streams to `sink` as it comes."""
        container = self._require_container()
        self.events = Path(command.env[EVENTS_VARIABLE]) if EVENTS_VARIABLE in command.env else None
        capture = self.capture = ConsoleCapture(sink)
        try:
            exec_id = self.client.api.exec_create(container.id, command.argv, environment=command.env,
                                                  workdir=str(command.cwd))["Id"]
            stream = self.client.api.exec_start(exec_id, stream=True, demux=True)
        except DockerException as exc:
            raise StepFailed("failed starting the task in its container", str(exc)) from exc
        self._exec_id = exec_id
        self._reader = threading.Thread(target=self._read, args=(stream, capture), name="container-console",
                                        daemon=True)
        self._reader.start()

    def _read(self, stream: Any, capture: ConsoleCapture) -> None:
        lines = {"stdout": _Lines(capture, "stdout"), "stderr": _Lines(capture, "stderr")}
        try:
            for out, err in stream:
                if out:
                    lines["stdout"].feed(out)
                if err:
                    lines["stderr"].feed(err)
        except (DockerException, OSError, ValueError):
            pass  # the container was killed under the stream
        finally:
            _close_stream(stream)
            for splitter in lines.values():
                splitter.flush()
            self._read_done.set()
            self._wake.set()

    def stop(self, grace: float) -> None:
        """Abort: before the task starts the container is killed at once; a running task gets SIGTERM first."""
        self._grace = grace
        self._stop.set()
        self._wake.set()
        if self._exec_id is None:
            self._kill()

    def wait(self) -> Outcome:
        assert self._reader is not None
        assert self._exec_id is not None
        stopped = False
        while not self._read_done.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set() and not stopped:
                stopped = True
                self._terminate()
        self._reader.join()
        capture = self.capture
        assert capture is not None
        capture.close()
        code = None
        try:
            code = self.client.api.exec_inspect(self._exec_id).get("ExitCode")
        except DockerException:
            log.warning("exit code of task %s not found", self.task.task_id)
        return Outcome(KILLED if code is None else int(code), stopped, list(capture.last_stderr))

    def _terminate(self) -> None:
        with self._lock:
            container = self._container
        if container is not None:
            with contextlib.suppress(DockerException):  # no shell in the image: straight to the kill
                container.exec_run(TERMINATE_ALL, detach=True)
        assert self._reader is not None
        self._reader.join(self._grace)
        self._kill()

    def _kill(self) -> None:
        with self._lock:
            container = self._container
        if container is None:
            return
        with contextlib.suppress(NotFound, APIError):  # already ended
            container.kill()

    def close(self) -> None:
        """Kill the container and remove it (kept, stopped, with the debug setting); flush the console."""
        if self.capture is not None:
            self.capture.close()
        with self._lock:
            container = self._container
        if container is None:
            return
        try:
            if self.config.keep_containers:
                container.kill()
            else:
                container.remove(force=True)
        except (NotFound, APIError) as exc:
            log.debug("container of %s already gone: %s", self.task.task_id, exc)
        finally:
            self.client.close()
