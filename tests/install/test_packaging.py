"""What pyproject.toml packs: every package, the data files TaskTune reads, and the one version."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tasktune_gui.core.about import schema_version, tasktune_version
from tasktune_gui.core.assets import asset_path, package_path
from tasktune_gui.core.migrate import HEAD

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_of_the_source_tree_is_listed_in_pyproject() -> None:
    # Packages are named one by one (resources/ maps into tasktune_gui): a new subpackage must be added there,
    # or the wheel is missing it.
    in_tree = {".".join(folder.relative_to(ROOT).parts) for folder in (ROOT / "tasktune_gui").rglob("*")
               if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py"))}
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert listed == in_tree | {"tasktune_gui", "tasktune_gui.resources"}, (
        "pyproject.toml's [tool.setuptools] packages must list every package of tasktune_gui")
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"tasktune_gui.resources": "resources"}


def test_data_files_are_found_through_the_installed_package() -> None:
    # The editable install maps resources/ to tasktune_gui.resources, as a wheel holds it.
    assert asset_path("icons", "clone.svg") == ROOT / "resources" / "icons" / "clone.svg"
    assert (asset_path("demo_repo") / "train.py").is_file()
    assert (package_path("tasktune_gui.core", "migrations") / "env.py").is_file()


def test_the_version_comes_from_pyproject_and_the_schema_from_the_migrations() -> None:
    assert tasktune_version() == PYPROJECT["project"]["version"]
    assert schema_version() == HEAD
