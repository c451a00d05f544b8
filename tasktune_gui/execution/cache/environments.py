"""Virtual environments per (interpreter, package list), made with uv (or venv + pip), cached, LRU-evicted."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from tasktune_gui.execution.cache.entries import (
    LAST_USED,
    READY,
    evict_oldest,
    held_alone,
    is_python,
    normalize_requirements,
    recorded_size,
    repository_relative,
)
from tasktune_gui.execution.cache.entries import find_uv as find_uv_on_path
from tasktune_gui.execution.errors import StepFailed

INSTALL_TIMEOUT_S = 3600
DEFAULT_MAX_BYTES = 20 * 1024**3
IN_USE = ".in-use"  # beside each environment: every run using it holds a shared lock on this file
FAILURE_LINES = 200  # of a streamed installer's output, what a failure keeps to say why
# An installer whose output goes to the console says what it does, line by line, and nothing else.
QUIET_ENV = {"UV_NO_PROGRESS": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1",
             "PIP_PROGRESS_BAR": "off"}

Output = Callable[[str], None]  # one line of an installer's own output, as it comes


def find_uv() -> str | None:
    """The uv beside the worker's own interpreter (installed with TaskTune), else one on PATH."""
    return find_uv_on_path(before=[str(Path(sys.executable).parent)])


@contextlib.contextmanager
def _shared_lock(path: str) -> Iterator[None]:
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield


def _run(argv: list[str], cwd: Path | None = None) -> str:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False)
    if result.returncode != 0:
        raise StepFailed("failed creating environment", (result.stderr or result.stdout).strip()[-4000:])
    return result.stdout


def _stream(argv: list[str], output: Output, cwd: Path | None = None) -> None:
    """Run an installer, handing each line it prints (stdout and stderr, in order) to `output` as it comes."""
    process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env={**os.environ, **QUIET_ENV})
    timer = threading.Timer(INSTALL_TIMEOUT_S, process.kill)
    timer.start()
    last: deque[str] = deque(maxlen=FAILURE_LINES)
    try:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            last.append(line)
            output(line)
        code = process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    if code != 0:
        raise StepFailed("failed creating environment", "\n".join(last).strip()[-4000:])


class EnvironmentCache:
    """Environments under `root/envs/<hash>`; a repeat run with the same packages reuses its environment."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, uv: str | None = None) -> None:
        self.root = root / "envs"
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.uv = uv if uv is not None else find_uv()
        self._interpreters: dict[str, str] = {}

    def interpreter(self, binary: str) -> str:
        """The real interpreter behind `binary` (pyenv shims and wrappers resolved), asked once."""
        if binary not in self._interpreters:
            found = shutil.which(binary)
            if found is None:
                raise StepFailed(f"binary not found: {binary}")
            try:
                self._interpreters[binary] = _run([found, "-c", "import sys; print(sys.executable)"]).strip() or found
            except StepFailed as exc:
                raise StepFailed(f"binary not found: {binary}", exc.detail) from exc
        return self._interpreters[binary]

    def key(self, interpreter: str, requirements: str) -> str:
        text = f"{os.path.realpath(interpreter)}\n{normalize_requirements(requirements)}"
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def prepare(
        self, binary: str, requirements: str, repo: Path, record: Callable[[str], None] | None = None,
        hold: contextlib.ExitStack | None = None, output: Output | None = None,
    ) -> Path | None:
        """The `bin` folder of the task's environment; None when it needs none (no packages, not Python). With
        `hold`, the environment is not evicted until that stack closes (the run that uses it has ended); with
        `output`, the installer's own lines go there as it prints them."""
        if not is_python(binary):
            return None
        if not requirements.strip() and (repo / "requirements.txt").is_file():
            requirements = (repo / "requirements.txt").read_text(encoding="utf-8", errors="replace")
        if not requirements.strip():
            return None
        interpreter = self.interpreter(binary)
        folder = self.root / self.key(interpreter, requirements)
        with open(f"{folder}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / READY).exists():
                shutil.rmtree(folder, ignore_errors=True)
                try:
                    installed = self._create(folder, interpreter, requirements, repo, output)
                except BaseException:
                    shutil.rmtree(folder, ignore_errors=True)
                    raise
                (folder / READY).write_text(installed, encoding="utf-8")
            (folder / LAST_USED).touch()
            installed = (folder / READY).read_text(encoding="utf-8")
            if hold is not None:  # taken before the creation lock goes: no eviction comes in between
                hold.enter_context(_shared_lock(f"{folder}{IN_USE}"))
        if record is not None:
            record(installed)
        self.evict(keep=folder)
        return folder / "bin"

    def _create(self, folder: Path, interpreter: str, requirements: str, repo: Path,
                output: Output | None = None) -> str:
        req_file = folder.with_suffix(".requirements.txt")
        req_file.write_text(requirements, encoding="utf-8")
        python = str(folder / "bin" / "python")

        def install(argv: list[str]) -> None:
            """The installer's own progress on the console when it has one; quiet otherwise."""
            if output is None:
                _run([*argv, "--quiet"], cwd=repo)
            else:
                _stream(argv, output, cwd=repo)

        try:
            if self.uv:
                _run([self.uv, "venv", "--quiet", "--python", interpreter, str(folder)])
                install([self.uv, "pip", "install", "--python", python, "-r", str(req_file)])
                return repository_relative(_run([self.uv, "pip", "freeze", "--python", python]), str(repo))
            _run([interpreter, "-m", "venv", str(folder)])
            install([python, "-m", "pip", "install", "-r", str(req_file)])
            return repository_relative(_run([python, "-m", "pip", "freeze"]), str(repo))
        finally:
            req_file.unlink(missing_ok=True)

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Remove least recently used environments until the cache fits in max_bytes."""
        entries: list[tuple[float, int, Path]] = []
        for folder in self.root.iterdir():
            if not folder.is_dir() or not (folder / READY).exists():
                continue
            marker = folder / LAST_USED
            used = marker.stat().st_mtime if marker.exists() else 0.0
            entries.append((used, recorded_size(folder), folder))
        return evict_oldest(entries, self.max_bytes, _remove_unless_used, [keep] if keep else [])


def _remove_unless_used(folder: Path) -> bool:
    # Skip one being prepared or used by a run that has not ended.
    with held_alone(f"{folder}.lock", f"{folder}{IN_USE}") as alone:
        if alone:
            shutil.rmtree(folder, ignore_errors=True)
        return alone
