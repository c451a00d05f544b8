"""A TCP proxy in front of a test server that holds back the answer to one request: a server slow to answer it."""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class LateAnswerProxy:
    """Forwards 127.0.0.1:`port` to the server's port; the answer to the first request whose request line holds
    `method` and `marker` reaches the client `delay_s` late. `request_lines` lists every request line seen."""

    def __init__(self, server_port: int, method: bytes, marker: bytes, delay_s: float) -> None:
        self.server_port = server_port
        self.method = method
        self.marker = marker
        self.delay_s = delay_s
        self.request_lines: list[bytes] = []
        self._delayed = False
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []

    def __enter__(self) -> LateAnswerProxy:
        self._start(self._accept)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._closing.set()
        with contextlib.suppress(OSError):  # wakes its accept()
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for sock in list(self._sockets):
            sock.close()
        for thread in self._threads:
            thread.join(10)

    def _start(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed
                return
            upstream = socket.create_connection(("127.0.0.1", self.server_port))
            self._sockets += [client, upstream]
            hold = threading.Event()  # set: this connection's next answer is held back
            self._start(self._requests, client, upstream, hold)
            self._start(self._answers, upstream, client, hold)

    def _requests(self, client: socket.socket, upstream: socket.socket, hold: threading.Event) -> None:
        while data := _receive(client):
            line = data.split(b"\r\n", 1)[0]
            if line.split(b" ", 1)[0] in (b"GET", b"PUT", b"POST", b"DELETE", b"HEAD"):
                self.request_lines.append(line)
                with self._lock:
                    if not self._delayed and line.startswith(self.method) and self.marker in line:
                        self._delayed = True
                        hold.set()
            if not _send(upstream, data):
                break
        _close(upstream)

    def _answers(self, upstream: socket.socket, client: socket.socket, hold: threading.Event) -> None:
        while data := _receive(upstream):
            if hold.is_set():
                hold.clear()
                self._closing.wait(self.delay_s)  # the slow server: what this proxy is for
            if not _send(client, data):
                break
        _close(client)


def _receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(1 << 20)
    except OSError:
        return b""


def _send(sock: socket.socket, data: bytes) -> bool:
    try:
        sock.sendall(data)
    except OSError:
        return False
    return True


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
