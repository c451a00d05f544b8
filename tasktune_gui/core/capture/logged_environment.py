"""The environment variables `create` records when TASKTUNE_LOG_ENVIRONMENT names them (names and patterns)."""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase

LOG_ENVIRONMENT = "TASKTUNE_LOG_ENVIRONMENT"
# Values of such names are never written into a task: anyone who can read the database would read them.
SECRET_PATTERNS = ("*TOKEN*", "*KEY*", "*SECRET*", "*PASSWORD*", "*PASSWD*", "*CREDENTIAL*", "TASKTUNE_DB")


def looks_secret(name: str) -> bool:
    return any(fnmatchcase(name.upper(), pattern) for pattern in SECRET_PATTERNS)


def logged_environment(environ: Mapping[str, str]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """(the Environment section, the names left out because they look secret), from `environ`'s own
    TASKTUNE_LOG_ENVIRONMENT="CUDA_*,WANDB_MODE,MY_VAR" (shell-style patterns, `*` for every variable)."""
    patterns = [part.strip() for part in environ.get(LOG_ENVIRONMENT, "").split(",") if part.strip()]
    section: dict[str, dict[str, str]] = {}
    withheld: list[str] = []
    for name in sorted(environ):
        if name == LOG_ENVIRONMENT or not any(fnmatchcase(name, pattern) for pattern in patterns):
            continue
        if looks_secret(name):
            withheld.append(name)
        else:
            section[name] = {"value": environ[name], "type": "", "description": f"logged from {LOG_ENVIRONMENT}"}
    return section, withheld
