"""A task run on an SSH host: the workspace and environment brought there, the process started detached by the
remote agent, reconnection with backoff. asyncssh runs on an event loop in a thread of its own."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import json
import logging
import shlex
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import asyncssh

from tasktune_gui.core.api import Core
from tasktune_gui.execution.bindings import Binding, SshOptions
from tasktune_gui.execution.cache.workspace import MirrorCache, Steps, no_steps, prepare_workspace
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.launch import TaskSnapshot
from tasktune_gui.execution.run.sdk_channel import sdk_files
from tasktune_gui.execution.ssh.agent.host_cache import TREE_GONE
from tasktune_gui.execution.ssh.config import SshTarget, connect, resolve
from tasktune_gui.execution.ssh.payload import agent_files, prepare_request, start_request, tree_archive

log = logging.getLogger(__name__)
T = TypeVar("T")
# What a dropped connection looks like to asyncssh's callers, depending on the moment it drops.
DROPPED = (OSError, EOFError, asyncio.IncompleteReadError, asyncssh.Error)


class LoopThread:
    """One asyncio loop in a daemon thread; `call` runs a coroutine there and waits for its result."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def close(self) -> None:
        async def cancel_rest() -> None:
            current = asyncio.current_task()
            for task in [t for t in asyncio.all_tasks() if t is not current]:
                task.cancel()

        self.call(cancel_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class Session:
    """The connection to one host for one run, re-made with backoff when it drops, and the agent's channel on it."""

    def __init__(self, target: SshTarget, options: SshOptions) -> None:
        self.target = target
        self.options = options
        self.connection: asyncssh.SSHClientConnection | None = None
        self.channel: asyncssh.SSHClientProcess[bytes] | None = None
        self.agent = ""  # the agent's path on the host, once uploaded
        self.python = "python3"  # the host's interpreter, resolved by an earlier run once it is known
        self._opening = asyncio.Lock()

    async def open(self) -> asyncssh.SSHClientConnection:
        # One connection at a time: an abort and the follow loop may both find it gone at once.
        async with self._opening:
            if self.connection is None:
                self.connection = await connect(self.target, self.options)
            return self.connection

    def drop(self) -> None:
        if self.connection is not None:
            self.connection.abort()
        self.connection = None
        self.channel = None

    async def reopen(self) -> asyncssh.SSHClientConnection:
        """Reconnect until it works or `reconnect_for_s` has passed; a refused host key or login ends at once."""
        self.drop()
        deadline = time.monotonic() + self.options.reconnect_for_s
        delay = 0.1
        while True:
            try:
                return await self.open()
            except StepFailed as exc:
                if not exc.reason.startswith("host unreachable") or time.monotonic() + delay > deadline:
                    raise StepFailed(f"lost connection to {self.target.alias}", exc.detail or exc.reason) from exc
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.options.backoff_max_s)

    async def install_agent(self, sftp: asyncssh.SFTPClient, base: str) -> None:
        """The agent's folder in `base` on the host (unless there already); the interpreter a run recorded there."""
        agent, folder = agent_files()
        self.agent = f"{base}/{folder}/agent.py"
        if not await sftp.exists(self.agent):
            await sftp.makedirs(f"{base}/{folder}", exist_ok=True)
            for name, data in agent.items():
                await _upload_bytes(sftp, data, f"{base}/{folder}/{name}")
        if await sftp.exists(f"{base}/python"):
            async with sftp.open(f"{base}/python", "rb") as handle:
                recorded = await handle.read()
                text = recorded.decode() if isinstance(recorded, bytes) else str(recorded)
                self.python = text.strip() or "python3"

    async def serve(self) -> asyncssh.SSHClientProcess[bytes]:
        """A new channel running `agent serve`: the only remote command, with no task value in it."""
        connection = await self.open()
        # -S: the agent needs only the standard library, and skipping site-packages is a third of its start.
        command = shlex.join([self.python, "-S", self.agent, "serve"])
        return await connection.create_process(command, encoding=None)

    def take_channel(self) -> asyncssh.SSHClientProcess[bytes] | None:
        channel, self.channel = self.channel, None
        return channel

    async def request(self, request: dict[str, Any], own_channel: bool = False) -> dict[str, Any]:
        """One JSON request and its answer, on the shared channel (or on a channel of its own, closed after)."""
        if own_channel:
            process = await self.serve()
        else:
            self.channel = self.channel or await self.serve()
            process = self.channel
        process.stdin.write(json.dumps(request).encode() + b"\n")
        line = await process.stdout.readline()
        if own_channel:
            process.stdin.write_eof()
        if not line.endswith(b"\n"):
            return await self._ended(process, request, own_channel)
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            reason, *detail = answer["error"]
            raise StepFailed(str(reason), " ".join(detail))
        return answer

    async def _ended(self, process: Any, request: dict[str, Any], own_channel: bool) -> dict[str, Any]:
        """The agent's channel closed without an answer: a stale interpreter path, no python3, or a crash."""
        if self.connection is None or self.connection.is_closed():
            raise ConnectionResetError("connection closed")
        await process.wait_closed()
        stderr = (await process.stderr.read()).decode("utf-8", "replace").strip()
        if not own_channel:
            self.channel = None
        if process.exit_status == 127 and self.python != "python3":
            self.python = "python3"  # the interpreter an earlier run recorded is gone; ask the PATH again
            return await self.request(request, own_channel)
        if process.exit_status == 127:
            raise StepFailed(f"python3 not found on {self.target.alias}", stderr)
        raise StepFailed(f"remote step failed on {self.target.alias}", stderr[-4000:])


def _local_model(uri: str) -> Path | None:
    path = uri.strip().removeprefix("file://")
    return Path(path) if path.startswith("/") and Path(path).exists() else None


async def _upload_bytes(sftp: asyncssh.SFTPClient, data: bytes, path: str) -> None:
    # Written aside and renamed, so a run that finds the file finds it whole (and two runs never share one).
    partial = f"{path}.{uuid.uuid4().hex}.partial"
    async with sftp.open(partial, "wb") as handle:
        await handle.write(data)
    await sftp.posix_rename(partial, path)


class RemoteLauncher:
    """Prepares and starts one task on the bound host; ssh/follow.py follows it from there."""

    def __init__(self, core: Core, binding: Binding, options: SshOptions, run_dir: Path) -> None:
        self.core = core
        self.binding = binding
        self.run_dir = run_dir
        self.session = Session(resolve(binding.host, options), options)
        self.loop = LoopThread(f"ssh-{binding.host}")
        self.sdk = ""  # the SDK's path on the host, known once prepare() has uploaded it
        self.input_model_uri = ""  # the input model's copy on the host, when it is a file on this machine
        self.commit = ""
        self._connecting: concurrent.futures.Future[asyncssh.SSHClientConnection] | None = None

    def close(self, remove_run: str = "") -> None:
        """Disconnect; with `remove_run`, delete that run folder on the host first (best effort)."""
        self.loop.call(self._disconnect(remove_run))
        self.loop.close()

    async def _disconnect(self, remove_run: str) -> None:
        if remove_run and self.session.connection is not None and not self.session.connection.is_closed():
            with contextlib.suppress(StepFailed, *DROPPED):
                await asyncio.wait_for(self.session.request({"action": "remove", "run": remove_run}, True), 30)
        self.session.drop()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """A step before the start: a connection lost here fails the task (nothing runs on the host yet)."""
        try:
            return self.loop.call(coroutine)
        except DROPPED as exc:
            raise StepFailed(f"lost connection to {self.binding.host}", f"{type(exc).__name__}: {exc}") from exc

    def workspace(self, snapshot: TaskSnapshot, cache: MirrorCache, steps: Steps = no_steps) -> str:
        """The checkout here (to read the diff's files); the commit. The connection is made meanwhile."""
        self._connecting = asyncio.run_coroutine_threadsafe(self.session.open(), self.loop.loop)
        self.commit = prepare_workspace(cache, snapshot.source, snapshot.diff, self.run_dir / "repo", steps)
        return self.commit

    def prepare(self, snapshot: TaskSnapshot, cache: MirrorCache, record: Callable[[str], None],
                steps: Steps = no_steps) -> None:
        """After `workspace`: the tree there, the environment there."""
        commit, connecting = self.commit, self._connecting
        assert connecting is not None, "workspace() comes first"
        with steps("environment"):  # the tree's upload and the environment on the host (the agent makes it)
            tree = cache.root / "trees" / f"{commit}.tar"
            if not tree.exists():
                mirror, _ = cache.resolve(snapshot.source)
                tree_archive(mirror, commit, tree)
            request = prepare_request(snapshot, self.binding.base, commit, self.run_dir / "repo",
                                      self.session.options.host_cache_max_bytes)
            answer = self._call(self._prepare(tree, request, connecting))
        if answer.get("evicted"):
            log.info("%s: evicted from the host cache: %s", self.binding.host, ", ".join(answer["evicted"]))
        record(str(answer.get("packages", "")))
        model = _local_model(snapshot.input_model_uri)
        if model is not None:  # the input model is a file here: the script there gets its own copy
            self.input_model_uri = self._call(self._upload_model(model, str(answer["run"])))

    async def _upload_model(self, model: Path, run: str) -> str:
        connection = await self.session.open()
        async with connection.start_sftp_client() as sftp:
            await sftp.makedirs(f"{run}/input", exist_ok=True)
            await sftp.put(str(model), f"{run}/input/{model.name}", recurse=True)
        return f"{run}/input/{model.name}"

    async def _prepare(
        self, tree: Path, request: dict[str, Any], connecting: concurrent.futures.Future[asyncssh.SSHClientConnection]
    ) -> dict[str, Any]:
        connection = await asyncio.wrap_future(connecting)
        base = self.binding.base
        async with connection.start_sftp_client() as sftp:
            await sftp.makedirs(f"{base}/trees", exist_ok=True)
            await self.session.install_agent(sftp, base)
            # The agent's channel starts (the login shell's start-up is most of a warm start) during the uploads.
            serving = asyncio.ensure_future(self.session.serve())
            try:
                await self._upload_rest(sftp, tree)
            except BaseException:
                serving.cancel()
                raise
        self.session.channel = await serving
        try:
            return await self.session.request({"action": "prepare", **request})
        except StepFailed as exc:
            if exc.reason != TREE_GONE:
                raise
        # Another run on the host evicted the tree after it was found there: brought again, once.
        async with connection.start_sftp_client() as sftp:
            await self._upload_tree(sftp, tree)
        return await self.session.request({"action": "prepare", **request})

    async def _upload_rest(self, sftp: asyncssh.SFTPClient, tree: Path) -> None:
        """The SDK and the commit's tree, unless an earlier run left them on the host."""
        base = self.binding.base
        files, sdk_name = sdk_files()
        self.sdk = f"{base}/{sdk_name}"
        if not await sftp.exists(self.sdk):
            for relative, data in files.items():
                await sftp.makedirs(f"{self.sdk}/{relative.rsplit('/', 1)[0]}", exist_ok=True)
                await _upload_bytes(sftp, data, f"{self.sdk}/{relative}")
        await self._upload_tree(sftp, tree)

    async def _upload_tree(self, sftp: asyncssh.SFTPClient, tree: Path) -> None:
        remote_tree = f"{self.binding.base}/trees/{tree.name}"
        if not await sftp.exists(remote_tree):  # the commit is reused from an earlier run
            partial = f"{remote_tree}.{uuid.uuid4().hex}.partial"
            await sftp.put(str(tree), partial)
            await sftp.posix_rename(partial, remote_tree)

    def start(self, snapshot: TaskSnapshot, extra_env: dict[str, str]) -> tuple[TaskSnapshot, int, str]:
        """Start the task detached on the host: the snapshot as it runs there, its process id and run folder."""
        if self.input_model_uri:
            snapshot = dataclasses.replace(snapshot, input_model_uri=self.input_model_uri)
        request = start_request(snapshot, self.binding.base, self.sdk, extra_env, self.binding.gpus)
        answer = self._call(self.session.request({"action": "start", **request}))
        return snapshot, int(answer["pid"]), str(answer["run"])
