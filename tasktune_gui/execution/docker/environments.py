"""Virtual environments made inside a task's container with the image's Python, cached on the host per image."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from tasktune_gui.execution.cache.entries import normalize_requirements, repository_relative
from tasktune_gui.execution.cache.environments import (
    DEFAULT_MAX_BYTES,
    FAILURE_LINES,
    EnvironmentCache,
    Output,
)
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.run.console import split_lines

# Runs argv in the container (workdir, extra environment) and returns (exit code, output); with a chunk
# callback, the output goes there as it comes instead.
OnChunk = Callable[[str, bytes], None]
ExecInContainer = Callable[[Sequence[str], Path, dict[str, str], OnChunk | None], tuple[int, str]]
UV_IN_CONTAINER = "/opt/tasktune/uv"


def image_folder(cache_dir: Path, image_id: str) -> Path:
    """Everything cached for one image; keyed by its id, so a rebuilt tag gets fresh environments."""
    return cache_dir / "container-envs" / image_id.split(":")[-1][:16]


class ContainerEnvironments(EnvironmentCache):
    """The host-side cache (locks, LRU eviction) of EnvironmentCache; creation runs in the container."""

    def __init__(self, root: Path, run: ExecInContainer, uv: bool, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        super().__init__(root, max_bytes, uv=UV_IN_CONTAINER if uv else "")
        self.uv_cache = root / "uv-cache"
        self._exec = run

    def interpreter(self, binary: str) -> str:
        return binary  # found on the container's PATH when the environment is made

    def key(self, interpreter: str, requirements: str) -> str:
        text = f"{interpreter}\n{normalize_requirements(requirements)}"
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def _step(self, argv: list[str], repo: Path) -> str:
        code, output = self._run(argv, repo)
        if code != 0:
            raise StepFailed("failed creating environment", output.strip()[-4000:])
        return output

    def _install(self, argv: list[str], repo: Path, output: Output | None) -> None:
        """An installer quiet, or with its own lines streamed to `output` as it prints them."""
        if output is None:
            self._step([*argv, "--quiet"], repo)
            return
        carry = {"stdout": b"", "stderr": b""}
        last: list[str] = []

        def lines(stream: str, chunk: bytes) -> None:
            data = carry[stream] + chunk
            end = data.rfind(b"\n")
            carry[stream] = data[end + 1:]
            for line in split_lines(data[:end]) if end >= 0 else []:
                last.append(line)
                output(line)
            del last[:-FAILURE_LINES]

        code, _ = self._run(argv, repo, lines)
        for rest in carry.values():
            if rest:
                lines("stdout", rest + b"\n")
        if code != 0:
            raise StepFailed("failed creating environment", "\n".join(last).strip()[-4000:])

    def _run(self, argv: list[str], repo: Path, on_chunk: OnChunk | None = None) -> tuple[int, str]:
        env = {"UV_CACHE_DIR": str(self.uv_cache), "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1",
               "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1", "PIP_PROGRESS_BAR": "off"}
        return self._exec(argv, repo, env, on_chunk)

    def _create(self, folder: Path, interpreter: str, requirements: str, repo: Path,
                output: Output | None = None) -> str:
        req_file = folder.with_suffix(".requirements.txt")
        req_file.write_text(requirements, encoding="utf-8")
        python = str(folder / "bin" / "python")
        try:
            # The host's uv runs in most images (glibc ones); a musl or older-glibc image cannot run it.
            if self.uv and self._run([self.uv, "--version"], repo)[0] == 0:
                self._step([self.uv, "venv", "--quiet", "--python", interpreter, str(folder)], repo)
                self._install([self.uv, "pip", "install", "--python", python, "-r", str(req_file)], repo, output)
                # --quiet: stdout and stderr come back as one text here, and uv says which environment on stderr.
                frozen = self._step([self.uv, "pip", "freeze", "--quiet", "--python", python], repo)
                return repository_relative(frozen, str(repo))
            # The image's own venv and pip: slower, but needs nothing from the host.
            self._step([interpreter, "-m", "venv", str(folder)], repo)
            self._install([python, "-m", "pip", "install", "-r", str(req_file)], repo, output)
            return repository_relative(self._step([python, "-m", "pip", "freeze"], repo), str(repo))
        finally:
            req_file.unlink(missing_ok=True)
