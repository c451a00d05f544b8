"""Detecting the packages a script needs: requirements.txt, then pyproject.toml, then its imports."""

from __future__ import annotations

import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from tasktune_gui.core.capture import detect_requirements
from tasktune_gui.core.errors import InvalidValue
from tests.support.git import write_files


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path.resolve()


@pytest.mark.parametrize(("files", "script", "expected"), [
    ({"requirements.txt": "numpy\n", "exp/train.py": "import torch\n",
      "exp/requirements.txt": "torch==2.3.0\n-r ../requirements.txt\n"},
     "exp/train.py", "torch==2.3.0\n-r ../requirements.txt\n"),
    ({"requirements.txt": "numpy\n", "pyproject.toml": '[project]\nname = "lab"\ndependencies = ["scipy>=1.11"]\n',
      "exp/train.py": ""},
     "exp/train.py", "numpy\n"),
    ({"pyproject.toml": '[project]\nname = "lab"\ndependencies = ["scipy>=1.11", "rich"]\n',
      "train.py": "import pytest\n"},
     "train.py", "scipy>=1.11\nrich\n"),
    ({"requirements.txt": "numpy==1.26.4\ntasktune-gui==0.1.0\nTaskTune_GUI>=0.1\ntasktune-gui-extras\n",
      "train.py": "import numpy\n"},
     "train.py", "numpy==1.26.4\ntasktune-gui-extras\n"),
    ({"train.py": "import sklearn\nimport tasktune_missing_package.sub\n"},
     "train.py", "scikit-learn\ntasktune_missing_package\n"),
], ids=["the script's own requirements file first", "the repository's requirements file before pyproject",
        "pyproject's dependencies next", "TaskTune in a requirements file is left to the worker",
        "imports not installed here, unpinned by distribution name"])
def test_the_first_source_that_names_packages_gives_the_requirements(root: Path, files: dict[str, str], script: str,
                                                                     expected: str) -> None:
    write_files(root, files)
    assert detect_requirements(root, root / script) == expected


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


@pytest.mark.parametrize("listing", ["requirements.txt", "pyproject.toml"])
def test_an_oversized_listing_is_refused_with_its_name_not_read_whole(root: Path, listing: str) -> None:
    script = write(root / "train.py", "import numpy\n")
    with (root / listing).open("wb") as handle:
        handle.truncate(64 << 20)  # a 64 MB file committed under the name
    with pytest.raises(InvalidValue, match=f"{listing} is larger than 1 MB"):
        detect_requirements(root, script)
