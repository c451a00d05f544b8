"""The files TaskTune reads at run time, found through importlib.resources wherever the package is installed.

The repository keeps them in its top-level `resources/` folder; pyproject.toml installs that folder as the
package `tasktune_gui.resources` (a wheel holds it inside `tasktune_gui/`; an editable install maps it)."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from tasktune_gui.core.errors import TaskTuneError

RESOURCES_PACKAGE = "tasktune_gui.resources"


class AssetMissing(TaskTuneError):
    """A file TaskTune ships is not where its installation should have put it."""


def asset_path(*parts: str) -> Path:
    """A file or folder of `tasktune_gui.resources` on disk (every way TaskTune installs puts it in a folder)."""
    try:
        found = files(RESOURCES_PACKAGE).joinpath(*parts)
    except ModuleNotFoundError as exc:
        raise AssetMissing(f"TaskTune's data files are not installed ({exc}); reinstall TaskTune") from exc
    return on_disk(found)


def package_path(package: str, *parts: str) -> Path:
    """A file or folder inside one of our Python packages (migrations, the SDK), on disk."""
    return on_disk(files(package).joinpath(*parts))


def on_disk(found: Traversable) -> Path:
    if not isinstance(found, Path):  # a zipped package: no installer of ours makes one
        raise AssetMissing(f"TaskTune's file {found} is not in a folder on disk; install TaskTune from its wheel")
    return found
