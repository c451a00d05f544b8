"""What a repository offers to choose from: branches, tags and recent commits (for the commit chooser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from git import Git
from git.exc import GitCommandError, GitCommandNotFound

LS_REMOTE_TIMEOUT_S = 15
RECENT_COMMITS = 30
# Never ask for a password: the window has nobody to type it into a terminal.
QUIET_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
             "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}


@dataclass
class RepositoryRefs:
    branches: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    commits: list[tuple[str, str]] = field(default_factory=list)  # (full id, subject), newest first
    error: str = ""  # why the repository could not be read; the chooser still takes a typed value


def list_refs(repository: str, limit: int = RECENT_COMMITS) -> RepositoryRefs:
    """A local working copy or mirror is read directly; a URL through `git ls-remote` (no commits then)."""
    if not repository.strip():
        return RepositoryRefs(error="the task names no repository")
    path = Path(repository).expanduser()
    try:
        if path.is_dir():
            return _local_refs(path, limit)
        return _remote_refs(repository)
    except GitCommandNotFound:
        return RepositoryRefs(error="git is not installed or not on PATH")
    except GitCommandError as exc:
        detail = (exc.stderr or str(exc)).strip().splitlines()
        return RepositoryRefs(error=f"cannot read {repository}: {detail[-1] if detail else 'git failed'}")


def _git(cwd: Path | None, *argv: str, timeout: float | None = None) -> str:
    output = Git(cwd).execute(["git", *argv], env=QUIET_ENV, kill_after_timeout=timeout)
    return output if isinstance(output, str) else str(output)


def _local_refs(path: Path, limit: int) -> RepositoryRefs:
    refs = _git(path, "for-each-ref", "--sort=-committerdate", "--format=%(refname)", "refs/heads", "refs/remotes",
                "refs/tags").splitlines()
    branches = [r.removeprefix("refs/heads/") for r in refs if r.startswith("refs/heads/")]
    for ref in refs:  # branches only on a remote, without the remote's name, after the local ones
        if ref.startswith("refs/remotes/") and not ref.endswith("/HEAD"):
            name = ref.removeprefix("refs/remotes/").split("/", 1)[-1]
            if name not in branches:
                branches.append(name)
    tags = [r.removeprefix("refs/tags/") for r in refs if r.startswith("refs/tags/")]
    log = _git(path, "log", f"--max-count={limit}", "--format=%H%x09%s", "--all") if refs else ""
    commits = [(line.split("\t", 1)[0], line.split("\t", 1)[-1]) for line in log.splitlines() if line]
    return RepositoryRefs(branches, tags, commits)


def _remote_refs(url: str) -> RepositoryRefs:
    listing = _git(None, "ls-remote", "--heads", "--tags", url, timeout=LS_REMOTE_TIMEOUT_S)
    branches, tags = [], []
    for line in listing.splitlines():
        ref = line.split("\t", 1)[-1]
        if ref.startswith("refs/heads/"):
            branches.append(ref.removeprefix("refs/heads/"))
        elif ref.startswith("refs/tags/") and not ref.endswith("^{}"):
            tags.append(ref.removeprefix("refs/tags/"))
    return RepositoryRefs(branches, tags)
