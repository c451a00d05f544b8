"""A task's source captured from a git working copy: repository, ref, uncommitted diff, packages, args."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit

from tasktune_gui.core.capture.argparse_reader import ArgSpec, decode_source
from tasktune_gui.core.capture.git_run import git_bytes, git_ok, git_text, run_git
from tasktune_gui.core.capture.local_commits import local_commits
from tasktune_gui.core.capture.parameters import ScriptParameters, read_parameters
from tasktune_gui.core.capture.requirements import detect_requirements, local_imports
from tasktune_gui.core.errors import CaptureError, InvalidValue, NotAGitRepository, ScriptOutsideRepository

# Inherited from a git hook or an outer tool, these would point git at another repository or index.
_MODULE_ENTRY = re.compile(r"-m\s+(\S+)")
# Fixed so the diff has the form `git apply` takes whatever the user's git configuration says.
_DIFF_OPTIONS = (
    "diff", "--cached", "--binary", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
    "--src-prefix=a/", "--dst-prefix=b/",
)  # fmt: skip


@dataclass
class CapturedSource:
    """Where a task's code comes from and what it needs, as the execution section records it."""

    repository: str
    branch: str | None
    tag: str | None
    commit: str | None
    entry_point: str
    working_dir: str
    diff: str
    requirements: str
    args: list[ArgSpec]
    local_commits: int = 0  # commits the remote lacks, carried in the diff
    parameters: ScriptParameters = field(default_factory=ScriptParameters)

    def hyperparameters(self) -> dict[str, dict[str, dict[str, str]]]:
        return self.parameters.hyperparameters()


def _code_on_remote(root: Path, selection: _Selection) -> tuple[str, str | None, str, int]:
    """(repository, commit, diff, local commits carried): a commit the remote lacks becomes the newest one it
    has plus a diff holding the local commits (and the uncommitted changes), so any worker rebuilds the tree."""
    remote = _chosen_remote(root)
    working_copy = selection.ref is None
    if remote is None or selection.commit is None or not (working_copy or selection.ref == selection.commit):
        return _remote_url(root, remote), selection.commit, working_copy_diff(root) if working_copy else "", 0
    carried = local_commits(root, remote, selection.commit)
    if carried is None:  # the remote has the commit
        return _remote_url(root, remote), selection.commit, working_copy_diff(root) if working_copy else "", 0
    if carried.base is None:  # the remote has none of it: only this folder can give the code
        return str(root), selection.commit, working_copy_diff(root) if working_copy else "", 0
    if working_copy:
        diff = working_copy_diff(root, against=carried.base)
    else:
        diff = _text_patch(git_bytes(root, *_DIFF_OPTIONS[:1], *_DIFF_OPTIONS[2:], carried.base, selection.commit))
    if not diff.strip():  # the local commits change nothing (a commit and its revert)
        return _remote_url(root, remote), carried.base, "", 0
    return _remote_url(root, remote), carried.base, carried.header() + diff, len(carried.commits)


@dataclass(frozen=True)
class _Selection:
    """The code a task runs: the working copy at HEAD (ref None), or a commit, tag or branch head."""

    commit: str | None
    branch: str | None
    tag: str | None
    ref: str | None
    shown: str


def capture(
    script: str | Path,
    *,
    cwd: str | Path | None = None,
    working_dir: str | None = None,
    commit: str | None = None,
    branch: str | None = None,
    tag: str | None = None,
    requirements: str | None = None,
    args: str | list[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> CapturedSource:
    """Capture the source of `script` (a path, or "-m package.module") from the git repository holding it.

    `environ` (default: this process's) says which variables TASKTUNE_LOG_ENVIRONMENT asks to record."""
    base = Path(os.path.abspath(cwd if cwd is not None else os.getcwd())).resolve()
    shown = str(script).strip()
    script_path = None if _MODULE_ENTRY.fullmatch(shown) else _real_path(base / shown)
    root = _cwd_root(base) if script_path is None else _script_root(script_path, base, shown)
    if _resolve_commit(root, "HEAD") is None:
        raise CaptureError(f"the repository at '{root}' has no commits yet: commit the script first")
    selection = _select_source(root, commit=commit, branch=branch, tag=tag)
    if script_path is None:
        # `python -m` runs from the folder it is started in, so that folder is the default working dir.
        entry_point, default_dir = shown, PurePosixPath(base.relative_to(root).as_posix())
        packages_script = _module_file(shown.split()[1], base, root)
        source = decode_source(packages_script.read_bytes()) if packages_script.is_file() else None
    else:
        relative = PurePosixPath(script_path.relative_to(root).as_posix())
        entry_point, default_dir = str(relative), relative.parent
        source = _script_source(root, selection, script_path, entry_point, shown)
        packages_script = script_path
    helpers = [decode_source(path.read_bytes()) for path in local_imports(root, packages_script)
               ] if source is not None else []
    parameters = read_parameters(
        source, shown, _override_argv(args), script_path=packages_script, helpers=helpers,
        repo_root=root,
        environ=os.environ if environ is None else environ,
    )
    repository, commit_id, diff, carried = _code_on_remote(root, selection)
    return CapturedSource(
        repository=repository,
        branch=selection.branch,
        tag=selection.tag,
        commit=commit_id,
        entry_point=entry_point,
        working_dir=_working_dir(working_dir, root, default_dir),
        diff=diff,
        local_commits=carried,
        requirements=requirements if requirements is not None else detect_requirements(root, packages_script),
        args=parameters.args,
        parameters=parameters,
    )


def repository_url(root: Path) -> str:
    """The URL of origin, else of the branch's tracking remote, else of the first remote; else the root path."""
    return _remote_url(root, _chosen_remote(root))


def _chosen_remote(root: Path) -> str | None:
    remotes = git_text(root, "remote").split()
    if not remotes:
        return None
    tracking = _tracking_remote(root)
    return "origin" if "origin" in remotes else tracking if tracking in remotes else remotes[0]


def _remote_url(root: Path, remote: str | None) -> str:
    if remote is None:
        return str(root)
    url = git_text(root, "remote", "get-url", remote)
    if "://" not in url and ":" not in url.split("/", 1)[0] and not Path(url).expanduser().is_absolute():
        # A remote given as a relative path (`../shared.git`) means the same folder from any worker's cwd.
        return str((root / url).resolve())
    return _without_credentials(url)


def _text_patch(patch: bytes) -> str:
    if not _is_utf8(patch):
        raise CaptureError("the local commits cannot be recorded as a text diff; push them first")
    return patch.decode("utf-8")


def working_copy_diff(root: Path, against: str = "HEAD") -> str:
    """Staged, unstaged and untracked changes against HEAD (or another commit), made with a scratch index so the
    real one stays."""
    real_index = Path(git_text(root, "rev-parse", "--git-path", "index"))
    with tempfile.TemporaryDirectory(prefix="tasktune-capture-") as scratch:
        index = Path(scratch) / "index"
        if (root / real_index).is_file():  # an absolute real_index ignores root
            shutil.copyfile(root / real_index, index)
        git_bytes(root, "add", "--all", index_file=index)
        patch = git_bytes(root, *_DIFF_OPTIONS, against, index_file=index)
        if _is_utf8(patch):
            return patch.decode("utf-8")
        # git writes text files in other encodings as raw bytes; as binary patches they stay exact.
        attributes = Path(scratch) / "attributes"
        paths = _non_utf8_paths(root, index, against)
        attributes.write_bytes(b"".join(_binary_attribute(path) for path in paths))
        patch = git_bytes(root, "-c", f"core.attributesFile={attributes}", *_DIFF_OPTIONS, against,
                          index_file=index)
    if not _is_utf8(patch):
        raise CaptureError("the uncommitted changes cannot be recorded as text; commit them first")
    return patch.decode("utf-8")


def _non_utf8_paths(root: Path, index: Path, against: str) -> list[str]:
    listed = git_bytes(root, *_DIFF_OPTIONS, "--name-only", "-z", "--no-renames", against, index_file=index)
    paths = [os.fsdecode(name) for name in listed.split(b"\0") if name]
    return [
        path
        for path in paths
        if not _is_utf8(git_bytes(root, "--literal-pathspecs", *_DIFF_OPTIONS, against, "--", path, index_file=index))
    ]


def _binary_attribute(path: str) -> bytes:
    """A gitattributes line marking exactly `path` as binary for diffs."""
    glob_escaped = re.sub(r"([\\*?\[])", r"\\\1", path)
    quoted = glob_escaped.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return b'"/' + os.fsencode(quoted) + b'" -diff\n'


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _select_source(root: Path, *, commit: str | None, branch: str | None, tag: str | None) -> _Selection:
    """Exactly one of commit, tag or branch head chooses the code; with none, the working copy at HEAD."""
    if commit and tag:
        raise InvalidValue("give a commit or a tag, not both: either one alone chooses the code")
    branch_ref = _branch_ref(root, branch) if branch else None
    if commit:
        sha = _resolve_commit(root, commit)
        if sha is None:
            raise CaptureError(f"commit '{commit}' not found in the repository at '{root}'")
        return _Selection(sha, branch or None, None, sha, f"commit {sha[:12]}")
    if tag:
        if _resolve_commit(root, f"refs/tags/{tag}") is None:
            raise CaptureError(f"tag '{tag}' not found in the repository at '{root}'")
        return _Selection(None, branch or None, tag, f"refs/tags/{tag}", f"tag '{tag}'")
    if branch:
        return _Selection(None, branch, None, branch_ref, f"the head of branch '{branch}'")
    current = git_ok(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    return _Selection(_resolve_commit(root, "HEAD"), current or None, None, None, "HEAD")


def _branch_ref(root: Path, branch: str) -> str:
    remotes = git_text(root, "remote").split()
    candidates = [f"refs/heads/{branch}", *(f"refs/remotes/{r}/{branch}" for r in remotes), f"refs/remotes/{branch}"]
    for ref in candidates:
        if _resolve_commit(root, ref) is not None:
            return ref
    raise CaptureError(f"branch '{branch}' not found locally or on a remote of the repository at '{root}'")


def _resolve_commit(root: Path, revision: str) -> str | None:
    return git_ok(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")


def _tracking_remote(root: Path) -> str | None:
    branch = git_ok(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    return git_ok(root, "config", "--get", f"branch.{branch}.remote") if branch else None


def _without_credentials(url: str) -> str:
    """The URL without a password or token, which must not be written into a task record."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    user_info, _, host = parts.netloc.rpartition("@")
    if parts.scheme in {"http", "https"}:
        return urlunsplit(parts._replace(netloc=host))  # tokens travel as the user name there
    return urlunsplit(parts._replace(netloc=f"{user_info.partition(':')[0]}@{host}"))


def _script_root(script_path: Path, cwd: Path, shown: str) -> Path:
    existing = script_path.parent
    while not existing.exists():
        existing = existing.parent
    root = _toplevel(existing)
    if root is None:
        cwd_root = _toplevel(cwd)
        if cwd_root is not None:
            raise ScriptOutsideRepository(shown, str(cwd_root))
        raise NotAGitRepository(str(existing))
    if not script_path.is_relative_to(root):
        raise ScriptOutsideRepository(shown, str(root))
    return root


def _cwd_root(cwd: Path) -> Path:
    root = _toplevel(cwd)
    if root is None:
        raise NotAGitRepository(str(cwd))
    return root


def _toplevel(folder: Path) -> Path | None:
    done = run_git(folder, "rev-parse", "--show-toplevel")
    if done.returncode == 0:
        return Path(os.fsdecode(done.stdout.strip())).resolve()
    message = done.stderr.decode("utf-8", errors="replace").strip()
    if "not a git repository" in message:
        return None
    raise CaptureError(f"git cannot read the repository at '{folder}': {message}")


def _script_source(root: Path, selection: _Selection, script_path: Path, entry_point: str, shown: str) -> str:
    """The script's text as the task will run it: from the working copy, or from the chosen ref."""
    if selection.ref is not None:
        blob = run_git(root, "cat-file", "blob", f"{selection.ref}:{entry_point}")
        if blob.returncode != 0:
            raise CaptureError(f"script '{shown}' does not exist at {selection.shown}")
        return decode_source(blob.stdout)
    if not script_path.is_file():
        raise CaptureError(f"script '{shown}' does not exist")
    if git_ok(root, "check-ignore", "--quiet", "--", entry_point) is not None:
        raise CaptureError(f"script '{shown}' is ignored by git (.gitignore), so a run would not have it")
    return decode_source(script_path.read_bytes())


def _module_file(module: str, cwd: Path, root: Path) -> Path:
    """The file `python -m module` would run from cwd, for reading its imports."""
    parts = module.split(".")
    for folder in (cwd, root):
        for candidate in (folder.joinpath(*parts).with_suffix(".py"), folder.joinpath(*parts, "__main__.py")):
            if candidate.is_file():
                return candidate
    return cwd / "__main__.py"  # not in the repository: only requirement files can say what it needs


def _working_dir(given: str | None, root: Path, default: PurePosixPath) -> str:
    if not given:
        return str(default)
    folder = _real_path(root / given)  # an absolute `given` replaces root
    if not folder.is_relative_to(root):
        raise CaptureError(f"working directory '{given}' is outside the repository at '{root}'")
    return folder.relative_to(root).as_posix()


def _real_path(path: Path) -> Path:
    """`path` made absolute with its folders' symlinks resolved, the file name itself kept."""
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name if absolute.name else absolute.resolve()


def _override_argv(args: str | list[str] | None) -> list[str]:
    if args is None:
        return []
    if not isinstance(args, str):
        return [str(arg) for arg in args]
    try:
        return shlex.split(args)
    except ValueError as exc:
        raise InvalidValue(f"cannot read the arguments {args!r}: {exc}") from exc
