"""What TaskTune is and which one runs: its names for the desktop, its version and its database schema's."""

from __future__ import annotations

from functools import cache

# Light on purpose: the window's frame reads the names below before the core's libraries load.
APP_NAME = "TaskTune"
ORGANIZATION = "TaskTune"
DISTRIBUTION = "tasktune-gui"  # the name pyproject.toml gives the package: its version is read from there
DESKTOP_FILE_NAME = "tasktune"  # tasktune.desktop: desktops group the windows of the app it names
ICON_NAME = "tasktune"  # the app icon, in the package data and in the icon theme the launcher installs to
UNKNOWN_VERSION = "unknown"


@cache
def tasktune_version() -> str:
    """The installed version (pyproject.toml's, through the package metadata), or "unknown" when TaskTune runs
    from a source tree that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return UNKNOWN_VERSION


def schema_version() -> str:
    """The database schema (migration revision) this TaskTune writes; it upgrades older databases to it."""
    from tasktune_gui.core.migrate import HEAD

    return HEAD


@cache
def ran_with() -> dict[str, str]:
    """What a task records of the TaskTune starting its run (this process): the `runtime` of `show --json`."""
    return {"ran_with_version": tasktune_version(), "ran_with_schema": schema_version()}


def version_line() -> str:
    return f"TaskTune {tasktune_version()} (database schema {schema_version()})"
