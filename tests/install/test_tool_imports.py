"""The scripts and benchmarks name only modules and names that exist: CI runs neither, so a moved module would
break them silently (the screenshots script kept importing `identify` from its old module)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = sorted([*ROOT.glob("scripts/*.py"), *ROOT.glob("bench/*.py")])
OURS = ("tasktune_gui", "tests")


def imported_names(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for each of our imports anywhere in the file; name None for a plain `import module`."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith(OURS):
            found.extend((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names if alias.name.startswith(OURS))
    return found


@pytest.mark.parametrize("path", TOOLS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_tool_imports_what_exists(path: Path) -> None:
    missing = []
    for module_name, name in imported_names(path):
        module = importlib.import_module(module_name)
        if name is not None and not hasattr(module, name):
            try:  # a submodule named in `from package import module`
                importlib.import_module(f"{module_name}.{name}")
            except ModuleNotFoundError:
                missing.append(f"{module_name}.{name}")
    assert not missing, f"{path.name} imports what does not exist: {', '.join(missing)}"
