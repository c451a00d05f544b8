"""Task workspaces: a mirror of each repository kept in the worker cache, a checkout per run, the diff applied."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from tasktune_gui.execution.cache.trees import DEFAULT_MAX_BYTES as TREES_MAX_BYTES
from tasktune_gui.execution.cache.trees import TreeCache
from tasktune_gui.execution.errors import StepFailed

GIT_TIMEOUT_S = 600


class GitError(Exception):
    def __init__(self, args: list[str], stderr: str) -> None:
        super().__init__(stderr.strip() or f"git {' '.join(args)} failed")


# What points git at another repository than the one in its folder (`git rev-parse --local-env-vars`). Set where
# a worker was started (a git hook, a dotfiles setup), they would send its mirrors and checkouts into that one.
REPOSITORY_VARIABLES = frozenset({
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR"})


def git(args: list[str], cwd: Path | None = None, stdin: str | None = None) -> str:
    """Run git with an argv list, on the repository in `cwd` alone; never prompts for a password (a worker has
    nobody to answer)."""
    env = {name: value for name, value in os.environ.items() if name not in REPOSITORY_VARIABLES}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "LC_ALL": "C"})
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    result = subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env, timeout=GIT_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise GitError(args, result.stderr)
    return result.stdout


def normalize_repository(repository: str) -> str:
    """URLs as they are; a local path made absolute so the mirror does not depend on the worker's folder."""
    parsed = urlparse(repository)
    if parsed.scheme and len(parsed.scheme) > 1:  # "C:" on Windows is a drive, not a scheme
        return repository
    if ":" in repository.split("/", 1)[0] and "@" in repository:  # scp-like ssh: user@host:path
        return repository
    return str(Path(repository).expanduser().resolve())


@dataclass(frozen=True)
class Source:
    """What a task asks for: exactly one of commit, tag or branch head (REFERENCE §3), or the default head."""

    repository: str
    commit: str | None = None
    tag: str | None = None
    branch: str | None = None

    @property
    def ref_label(self) -> str:
        return self.commit or self.tag or self.branch or "HEAD"

    def candidates(self) -> list[str]:
        if self.commit:
            return [self.commit]
        if self.tag:
            return [f"refs/tags/{self.tag}"]
        if self.branch:
            return [f"refs/heads/{self.branch}", f"refs/remotes/origin/{self.branch}"]
        return ["HEAD"]


class MirrorCache:
    """Bare mirrors under `root/mirrors`, one per repository, fetched at most when a run needs newer refs, and
    the commits checked out from them under `root/trees`."""

    def __init__(self, root: Path, tree_max_bytes: int = TREES_MAX_BYTES) -> None:
        self.root = root
        self.mirrors = root / "mirrors"
        self.mirrors.mkdir(parents=True, exist_ok=True)
        self.trees = TreeCache(root / "trees", tree_max_bytes)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        # Full commit ids already found in a mirror: objects stay, so a repeat run needs no git call to know.
        self._known_commits: set[tuple[Path, str]] = set()

    def path_for(self, repository: str) -> Path:
        digest = hashlib.sha256(repository.encode()).hexdigest()[:16]
        tail = Path(urlparse(repository).path or repository).name.removesuffix(".git") or "repo"
        return self.mirrors / f"{tail}-{digest}.git"

    @contextmanager
    def locked(self, mirror: Path) -> Iterator[None]:
        """One writer per mirror: a thread lock for this worker's slots, a file lock for other workers."""
        with self._locks_guard:
            lock = self._locks.setdefault(str(mirror), threading.Lock())
        with lock, open(f"{mirror}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def resolve(self, source: Source) -> tuple[Path, str]:
        """The mirror and the full commit id the source names, cloning or fetching as needed."""
        repository = normalize_repository(source.repository)
        mirror = self.path_for(repository)
        if source.commit and (mirror, source.commit) in self._known_commits:
            return mirror, source.commit
        with self.locked(mirror):
            if not (mirror / "HEAD").exists():
                try:
                    shutil.rmtree(mirror, ignore_errors=True)
                    git(["clone", "--mirror", "--quiet", repository, str(mirror)])
                except GitError as exc:
                    shutil.rmtree(mirror, ignore_errors=True)
                    raise StepFailed("failed cloning repository", str(exc)) from exc
                fetched = True
            else:
                fetched = False
            # A pinned commit or tag already here needs no network; a branch head is always refreshed.
            found = None if source.branch and not source.commit and not source.tag else _rev_parse(mirror, source)
            if found is None and not fetched:
                try:
                    git(["fetch", "--prune", "--tags", "--quiet", "origin"], cwd=mirror)
                except GitError as exc:
                    raise StepFailed("failed cloning repository", f"fetching {repository}: {exc}") from exc
                found = _rev_parse(mirror, source)
            elif found is None:
                found = _rev_parse(mirror, source)
        if found is None:
            raise StepFailed(f"failed checking out {source.ref_label}", f"not found in {source.repository}")
        if source.commit == found:
            self._known_commits.add((mirror, found))
        return mirror, found


def _rev_parse(mirror: Path, source: Source) -> str | None:
    for candidate in source.candidates():
        try:
            return git(["rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"], cwd=mirror).strip()
        except GitError:
            continue
    return None


def checkout(mirror: Path, commit: str, destination: Path, ref_label: str, repository: str = "") -> None:
    """A working copy of `commit` that borrows the mirror's objects, so it costs only the files written.

    The .git folder is laid out by hand as git documents it (gitrepository-layout: HEAD, config, objects/info/
    alternates, refs) and filled by one `git read-tree`: a clone then a checkout cost two processes and
    several times the time, which every task paid before its first line."""
    dot_git = destination / ".git"
    try:
        (dot_git / "objects" / "info").mkdir(parents=True)
        (dot_git / "refs").mkdir()  # git makes refs/heads and refs/tags when a script first writes one
        (dot_git / "objects" / "info" / "alternates").write_text(f"{(mirror / 'objects').resolve()}\n")
        (dot_git / "HEAD").write_text(f"{commit}\n")  # detached at the commit, as a checkout of it leaves it
        (dot_git / "config").write_text(_config_text(repository))
        git(["read-tree", "--reset", "-u", "HEAD"], cwd=destination)
    except (GitError, OSError) as exc:
        raise StepFailed(f"failed checking out {ref_label}", str(exc)) from exc


def _config_text(repository: str) -> str:
    text = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
    if repository and not any(c in repository for c in "\n\r\0"):
        # The task's own repository as `origin`, for scripts that log where their code came from.
        quoted = repository.replace("\\", "\\\\").replace('"', '\\"')
        text += f'[remote "origin"]\n\turl = "{quoted}"\n'
    return text


def apply_diff(destination: Path, diff: str) -> None:
    if not diff.strip():
        return
    patch = diff if diff.endswith("\n") else diff + "\n"
    try:
        git(["apply", "--whitespace=nowarn", "-"], cwd=destination, stdin=patch)
    except GitError as exc:
        raise StepFailed("failed applying diff", str(exc)) from exc


Steps = Callable[[str], AbstractContextManager[None]]  # times a named step of a run's setup (SetupLog.step)


def no_steps(_name: str) -> AbstractContextManager[None]:
    return nullcontext()


def prepare_workspace(cache: MirrorCache, source: Source, diff: str, destination: Path,
                      steps: Steps = no_steps) -> str:
    """Check out the source with its diff into `destination`; returns the commit actually used."""
    with steps("mirror"):
        mirror, commit = cache.resolve(source)
    with steps("checkout"):
        _check_out(cache, source, mirror, commit, destination)
    with steps("diff") if diff.strip() else nullcontext():  # a task without uncommitted changes has no such step
        apply_diff(destination, diff)
    return commit


def _check_out(cache: MirrorCache, source: Source, mirror: Path, commit: str, destination: Path) -> None:
    if destination.exists():
        shutil.rmtree(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        # A copy of the commit's pristine tree: no git process once the commit has run here.
        cache.trees.copy(mirror, commit, destination, lambda folder: checkout(mirror, commit, folder,
                                                                            source.ref_label))
        # The task's own spelling of its repository as `origin`: tasks of one mirror may name it differently.
        (destination / ".git" / "config").write_text(_config_text(source.repository))
    except OSError as exc:
        raise StepFailed(f"failed checking out {source.ref_label}", str(exc)) from exc
