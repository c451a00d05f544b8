"""Following a detached remote run: console and SDK events read from byte offsets, so a reconnect continues
exactly where the last byte arrived; artifacts copied back; abort sent to the remote process group."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from pathlib import Path
from typing import Any

import asyncssh

from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.backend import Outcome
from tasktune_gui.execution.run.console import BatchSink, ConsoleCapture, split_lines
from tasktune_gui.execution.run.launch import TaskSnapshot, output_folder
from tasktune_gui.execution.ssh.launch import DROPPED, RemoteLauncher

log = logging.getLogger(__name__)
STREAM_NAMES = {"out": "stdout", "err": "stderr"}
# A follow that ends with no exit frame while the connection is fine (its run folder removed): give up after this.
MAX_BROKEN_FOLLOWS = 5


class RemoteProcess:
    """What ProcessRun is for a local run: `pid`, `stop(grace)` from any thread, `wait()` from the run's own."""

    def __init__(self, launcher: RemoteLauncher, snapshot: TaskSnapshot, pid: int, run: str, sink: BatchSink) -> None:
        self.launcher = launcher
        self.pid = pid
        self.run = run
        self.snapshot = snapshot
        self.capture = ConsoleCapture(sink)
        self.offsets = {"out": 0, "err": 0, "ev": 0}
        self.carry = {"out": b"", "err": b"", "ev": b""}
        # Events as they arrive, with artifacts copied here first: the run follows this file as a local one.
        self.events = launcher.run_dir / "sdk" / "events.jsonl"
        self.events.parent.mkdir(parents=True, exist_ok=True)
        self.host = launcher.binding.host
        self.ended = False  # followed to its exit: its run folder on the host may go
        self.reconnects = 0
        self._stopped = threading.Event()
        self._ended = asyncio.Event()  # bound to the launcher's loop on first use (Python 3.10+)

    def ended_within(self, seconds: float) -> bool:
        """Not asked of the host: its pid is recorded at once, with the host."""
        return False

    # Abort.

    def stop(self, grace: float) -> None:
        if not self._stopped.is_set():
            self._stopped.set()
            self.launcher.loop.submit(self._terminate(grace))

    async def _terminate(self, grace: float) -> None:
        """SIGTERM to the remote group, SIGKILL to whatever is left after `grace` (retried across reconnects)."""
        for signal_name, wait in (("SIGTERM", grace), ("SIGKILL", 0.0)):
            while True:
                try:
                    request = {"action": "kill", "run": self.run, "signal": signal_name}
                    answer = await self.launcher.session.request(request, own_channel=True)
                    break
                except DROPPED:
                    await asyncio.sleep(0.5)  # the follow loop is reconnecting meanwhile
                except StepFailed:
                    await asyncio.sleep(0.5)
            if answer.get("gone"):
                return
            if wait:
                try:
                    await asyncio.wait_for(self._ended.wait(), wait)
                    return
                except TimeoutError:
                    continue

    # Following.

    def wait(self) -> Outcome:
        try:
            code = self.launcher.loop.call(self._follow())
        finally:
            for name, stream in STREAM_NAMES.items():
                if self.carry[name]:
                    self.capture.add(stream, split_lines(self.carry[name]))
            self.capture.close()
        self.ended = True
        exit_code = code if code is not None else -9
        return Outcome(exit_code, self._stopped.is_set(), list(self.capture.last_stderr))

    async def _follow(self) -> int | None:
        broken = 0
        try:
            while True:
                try:
                    connection = await self.launcher.session.open()
                    done, code = await self._follow_once(connection)
                    if done:
                        return code
                    broken += 1
                    if broken >= MAX_BROKEN_FOLLOWS:
                        raise StepFailed(f"lost the run on {self.launcher.binding.host}",
                                         f"its folder {self.run} no longer answers")
                except DROPPED as exc:
                    log.info("task %s: connection to %s dropped (%s); reconnecting", self.snapshot.id,
                             self.launcher.binding.host, exc)
                    self.reconnects += 1
                    await self.launcher.session.reopen()
        finally:
            self._ended.set()

    async def _follow_once(self, connection: asyncssh.SSHClientConnection) -> tuple[bool, int | None]:
        # The channel that started the run follows it; after a reconnect, a new one.
        process = self.launcher.session.take_channel() or await self.launcher.session.serve()
        offsets = [self.offsets[name] for name in ("out", "err", "ev")]
        process.stdin.write(json.dumps({"action": "follow", "run": self.run, "offsets": offsets}).encode() + b"\n")
        try:
            while True:
                header = await process.stdout.readline()
                if not header.endswith(b"\n"):
                    # The stream ended without its exit frame: the connection went, or the agent did.
                    if connection.is_closed():
                        raise ConnectionResetError("connection closed")
                    return False, None
                name, offset, length = header.decode().split()
                if name == "exit":
                    return True, int(offset) if offset.lstrip("-").isdigit() else None
                data = await process.stdout.readexactly(int(length))
                if int(offset) != self.offsets[name]:  # never expected; a gap or a double would be silent
                    raise StepFailed("remote console out of step", f"{name} at {offset}, expected {self.offsets[name]}")
                self.offsets[name] += len(data)
                await self._received(name, data)
        finally:
            process.close()

    async def _received(self, name: str, data: bytes) -> None:
        pending = self.carry[name] + data
        end = pending.rfind(b"\n")
        if end < 0:
            self.carry[name] = pending
            return
        if name != "ev":
            self.carry[name] = pending[end + 1:]
            self.capture.add(STREAM_NAMES[name], split_lines(pending[:end]))
            return
        # Events one by one, each kept pending until handled: a drop during an artifact's copy redoes that one.
        self.carry[name] = pending
        while b"\n" in self.carry[name]:
            line, rest = self.carry[name].split(b"\n", 1)
            await self._event(line)
            self.carry[name] = rest

    async def _event(self, line: bytes) -> None:
        """Artifacts and models are copied here first; the events file the reader follows then names local files."""
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        kind = event.get("kind") if isinstance(event, dict) else None
        if kind in ("artifact", "model") and isinstance(event, dict) and isinstance(event.get("path"), str):
            event["path"] = str(await self._fetch(event["path"], "artifacts" if kind == "artifact" else "models"))
            line = json.dumps(event).encode()
        with self.events.open("ab") as handle:
            handle.write(line + b"\n")

    async def _fetch(self, remote: str, kind: str) -> Path:
        local = output_folder(self.snapshot, self.launcher.run_dir) / kind / Path(remote).name
        local.parent.mkdir(parents=True, exist_ok=True)
        connection = await self.launcher.session.open()
        async with connection.start_sftp_client() as sftp:
            await sftp.get(remote, str(local))
        return local

    def describe(self) -> dict[str, Any]:
        return {"pid": self.pid, "run": self.run, "offsets": dict(self.offsets), "reconnects": self.reconnects}
