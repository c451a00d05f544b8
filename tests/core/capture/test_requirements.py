"""Detecting the packages a script needs: requirements.txt, then pyproject.toml, then its imports."""

from __future__ import annotations

import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from tasktune_gui.core.capture import detect_requirements
from tasktune_gui.core.errors import InvalidValue


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path.resolve()


def test_the_scripts_own_requirements_file_comes_first(root: Path) -> None:
    write(root / "requirements.txt", "numpy\n")
    script = write(root / "exp" / "train.py", "import torch\n")
    write(root / "exp" / "requirements.txt", "torch==2.3.0\n-r ../requirements.txt\n")
    assert detect_requirements(root, script) == "torch==2.3.0\n-r ../requirements.txt\n"


def test_the_repository_requirements_file_beats_pyproject(root: Path) -> None:
    write(root / "requirements.txt", "numpy\n")
    write(root / "pyproject.toml", '[project]\nname = "lab"\ndependencies = ["scipy>=1.11"]\n')
    assert detect_requirements(root, write(root / "exp" / "train.py", "")) == "numpy\n"


def test_pyproject_dependencies_come_next(root: Path) -> None:
    write(root / "pyproject.toml", '[project]\nname = "lab"\ndependencies = ["scipy>=1.11", "rich"]\n')
    assert detect_requirements(root, write(root / "train.py", "import pytest\n")) == "scipy>=1.11\nrich\n"


def test_a_pyproject_without_dependencies_falls_back_to_imports(root: Path) -> None:
    write(root / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    write(root / "exp" / "pyproject.toml", "not = [valid toml\n")
    assert detect_requirements(root, write(root / "exp" / "train.py", "import pytest\n")).startswith("pytest==")


def test_imports_are_pinned_to_the_installed_distributions(root: Path) -> None:
    write(root / "helpers.py", "import json\nfrom hypothesis import given\nfrom . import sibling\n")
    write(root / "mylib" / "__init__.py", "")
    write(root / "mylib" / "layers.py", "import os\n")
    write(root / "outputs" / "notes.txt", "a namespace folder of the repository\n")
    script = write(
        root / "train.py",
        """
        from __future__ import annotations
        import os, sys
        import helpers
        import mylib.layers
        import outputs
        from git import Repo

        def main():
            import pytest
        """,
    )
    assert detect_requirements(root, script).splitlines() == [
        f"GitPython=={metadata.version('GitPython')}",
        f"hypothesis=={metadata.version('hypothesis')}",
        f"pytest=={metadata.version('pytest')}",
    ]


def test_packages_not_installed_here_are_listed_unpinned_by_their_distribution_name(root: Path) -> None:
    script = write(root / "train.py", "import sklearn\nimport tasktune_missing_package.sub\n")
    assert detect_requirements(root, script) == "scikit-learn\ntasktune_missing_package\n"


def test_an_unreadable_script_needs_nothing_known(root: Path) -> None:
    assert detect_requirements(root, write(root / "train.py", "import (\n")) == ""
    assert detect_requirements(root, root / "missing.py") == ""


def test_the_sdk_is_never_a_package_to_install(root: Path) -> None:
    script = write(root / "train.py", "from tasktune_gui import sdk\nimport tasktune_gui.sdk\nimport hypothesis\n")
    assert detect_requirements(root, script) == f"hypothesis=={metadata.version('hypothesis')}\n"


def test_packages_installed_from_a_folder_here_are_left_out(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two real distributions on the import path: one installed editable from a folder, one from an index.
    site = root / "site"
    for name, origin in (("labtools", '{"url": "file:///home/me/labtools", "dir_info": {"editable": true}}'),
                         ("indexed_tool", None)):
        info = site / f"{name}-1.2.dist-info"
        write(info / "METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2\n")
        write(info / "top_level.txt", f"{name}\n")
        if origin:
            write(info / "direct_url.json", origin)
        write(site / name / "__init__.py", "")
    monkeypatch.syspath_prepend(str(site))
    script = write(root / "app" / "train.py", "import labtools\nimport indexed_tool\n")
    assert detect_requirements(root, script) == "indexed_tool==1.2\n"


def test_tasktune_listed_in_a_requirements_file_is_left_to_the_worker(root: Path) -> None:
    write(root / "requirements.txt", "numpy==1.26.4\ntasktune-gui==0.1.0\nTaskTune_GUI>=0.1\ntasktune-gui-extras\n")
    script = write(root / "train.py", "import numpy\n")
    assert detect_requirements(root, script) == "numpy==1.26.4\ntasktune-gui-extras\n"


@pytest.mark.parametrize("listing", ["requirements.txt", "pyproject.toml"])
def test_an_oversized_listing_is_refused_with_its_name_not_read_whole(root: Path, listing: str) -> None:
    script = write(root / "train.py", "import numpy\n")
    with (root / listing).open("wb") as handle:
        handle.truncate(64 << 20)  # a 64 MB file committed under the name
    with pytest.raises(InvalidValue, match=f"{listing} is larger than 1 MB"):
        detect_requirements(root, script)
