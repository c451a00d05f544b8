"""Values checked when they are set (CLI and window alike), so a run does not fail on them minutes later."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from tasktune_gui.core.errors import InvalidValue

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ENVIRONMENT = "Environment"
HEX_COMMIT = re.compile(r"[0-9a-fA-F]{4,64}")
GIT_CHECK_TIMEOUT_S = 15


def check_label(value: str, what: str) -> str:
    """A name, tag or project name: no control characters (an escape sequence could recolour a terminal, a
    newline break a table); returns it stripped."""
    bad = next((ch for ch in value if ord(ch) < 32 or 127 <= ord(ch) < 160), None)
    if bad is not None:
        raise InvalidValue(f"{what} {value!r} holds a control character ({bad!r}); use printable text")
    return value.strip()


def check_value(name: str, value: str, kind: str) -> None:
    """An InvalidValue naming the field when the value does not fit its type (empty means 'no value')."""
    base = kind.split(":")[-1]
    if not value:
        return
    if base == "bool":
        if value.strip().lower() not in ("true", "false"):
            raise InvalidValue(f"{name}: '{value}' is not true or false")
    elif base in ("int", "float"):
        try:
            {"int": int, "float": float}[base](value)
        except ValueError:
            raise InvalidValue(f"{name}: '{value}' is not a valid {base}") from None
    elif base == "list":
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, list):
            raise InvalidValue(f"{name}: '{value}' is not a list written as a JSON array, such as [1, 2]")


def check_hyperparameter(section: str, name: str, value: str, kind: str) -> None:
    if section == ENVIRONMENT and not ENV_NAME.fullmatch(name):
        raise InvalidValue(f"'{name}' is not an environment variable name (letters, digits and _, "
                           "not starting with a digit)")
    if section == ENVIRONMENT and "\0" in value:
        raise InvalidValue(f"{name}: an environment value cannot hold a NUL character")
    check_value(f"{section}/{name}", value, kind)


def check_container_arguments(text: str) -> None:
    """Container arguments are split as a shell would (never run by one): the quoting must close."""
    try:
        shlex.split(text)
    except ValueError as exc:
        raise InvalidValue(f"container arguments {text!r}: {exc} (close the quote)") from None


def check_source(repository: str, commit: str | None, tag: str | None, branch: str | None) -> None:
    """A commit, tag or branch that the repository does not have is refused; one that cannot be checked
    (the repository unreachable from here) is let through, and the worker says so if it is wrong."""
    if commit and not HEX_COMMIT.fullmatch(commit):
        raise InvalidValue(f"commit '{commit}' is not a commit id (4 to 40 hexadecimal digits)")
    if not (commit or tag or branch) or not repository.strip():
        return
    from git import Git  # GitPython only when a source is set
    from git.exc import GitCommandError, GitCommandNotFound

    from tasktune_gui.core.capture.refs import QUIET_ENV

    local = Path(repository).expanduser()
    try:
        if local.is_dir():
            if commit or tag:
                what, ref = (f"commit '{commit}'", f"{commit}^{{commit}}") if commit else (f"tag '{tag}'",
                                                                                       f"refs/tags/{tag}^{{commit}}")
                try:
                    Git(local).execute(["git", "rev-parse", "--verify", "--quiet", ref], env=QUIET_ENV)
                except GitCommandError:
                    raise InvalidValue(f"{what} is not in {repository}") from None
            elif not Git(local).execute(["git", "for-each-ref", "--count=1", "--format=%(refname)",
                                         f"refs/heads/{branch}", f"refs/remotes/*/{branch}"], env=QUIET_ENV):
                raise InvalidValue(f"branch '{branch}' is not in {repository}")
            return
        if commit:  # a remote lists its refs, not its commits: the worker checks a commit out
            return
        listing = Git().execute(["git", "ls-remote", "--heads", "--tags", repository], env=QUIET_ENV,
                                kill_after_timeout=GIT_CHECK_TIMEOUT_S)
    except (GitCommandError, GitCommandNotFound):
        return  # unreachable (or no git here): nothing to say yet
    refs = {line.split("\t", 1)[-1] for line in str(listing).splitlines()}
    if tag and f"refs/tags/{tag}" not in refs:
        raise InvalidValue(f"tag '{tag}' is not in {repository}")
    if branch and not tag and f"refs/heads/{branch}" not in refs:
        raise InvalidValue(f"branch '{branch}' is not in {repository}")

