"""Commits not yet pushed: the newest commit the remote has in their history, and the header of their diff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tasktune_gui.core.capture.git_run import git_ok

# The first line of a diff that carries local commits. `git apply` skips text before the first patch, so the
# header travels inside the diff itself: a clone copies it, clearing the diff drops the commits with it.
HEADER = re.compile(r"\ATaskTune: (\d+) local commits? not on the remote")


@dataclass(frozen=True)
class LocalCommits:
    """HEAD's history beyond what the remote has: `base` is on the remote, `commits` (oldest first) are not."""

    base: str | None  # None: the remote has nothing of this history
    commits: list[tuple[str, str]]  # (full id, subject)

    def header(self) -> str:
        assert self.base is not None
        count = len(self.commits)
        lines = [f"TaskTune: {count} local commit{'s' if count != 1 else ''} not on the remote travel with the "
                 f"task in this diff, over {self.base[:12]} (which the remote has):"]
        # Indented, so no subject can read as a patch line to `git apply`.
        lines.extend(f"  {sha[:12]} {subject}" for sha, subject in self.commits)
        return "\n".join(lines) + "\n\n"


def local_commits(root: Path, remote: str, commit: str) -> LocalCommits | None:
    """None when the remote has `commit` (or is not known at all); a `base` of None when it has nothing of
    its history.

    The remote is known by its remote-tracking refs as of the last fetch: create reads no network."""
    refs = [ref for ref in (git_ok(root, "for-each-ref", "--format=%(refname)", f"refs/remotes/{remote}/") or "")
            .splitlines() if ref and not ref.endswith("/HEAD")]
    if not refs:
        return None  # never fetched: nothing says what the remote lacks, so it is trusted to have the commit
    listed = git_ok(root, "log", "--reverse", "--format=%H%x09%s", commit, "--not", *refs, "--")
    if not listed:
        return None  # the remote has it
    commits = [(line.partition("\t")[0], line.partition("\t")[2]) for line in listed.splitlines()]
    local = {sha for sha, _ in commits}
    # The branch's history is its first-parent chain; its first commit the remote has is at most len(local) away.
    chain = (git_ok(root, "rev-list", "--first-parent", f"--max-count={len(local) + 1}", commit) or "").split()
    base = next((sha for sha in chain if sha not in local), None)
    return LocalCommits(base, commits)


def carried_count(diff: str) -> int:
    """How many local commits a task's diff carries (its header says), 0 for a plain diff."""
    found = HEADER.match(diff)
    return int(found.group(1)) if found else 0
