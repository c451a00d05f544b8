"""The Python packages a task's script needs: its requirements.txt, its pyproject.toml, or its imports."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

from tasktune_gui.core.capture.argparse_reader import decode_source
from tasktune_gui.core.errors import InvalidValue

# Import names whose distribution is named otherwise, for packages not installed next to TaskTune.
_DISTRIBUTION_OF_IMPORT = {
    "attr": "attrs",
    "bs4": "beautifulsoup4",
    "cv2": "opencv-python",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "git": "GitPython",
    "PIL": "Pillow",
    "skimage": "scikit-image",
    "sklearn": "scikit-learn",
    "yaml": "PyYAML",
}
# The SDK comes with the worker that runs the task: it is never a package to install.
_WORKER_DISTRIBUTIONS = frozenset({"tasktune-gui"})
# A requirements file or pyproject.toml is a few kilobytes; a bigger one is not what it says it is, and reading
# it whole would stall `create` (a data file committed under that name, a multi-gigabyte mistake).
MAX_LISTING_BYTES = 1 << 20
_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[\[<>=!~;@#]|$)")


def detect_requirements(repo_root: Path, script_path: Path) -> str:
    """Pip-style requirements: the nearest requirements.txt, else pyproject.toml, else pinned imports."""
    root = repo_root.resolve()
    folders = _folders_up_to(script_path.parent.resolve(), root)
    for folder in folders:
        listed = folder / "requirements.txt"
        if listed.is_file():
            return _without_worker_packages(_read_listing(listed).decode("utf-8", errors="replace"))
    for folder in folders:
        declared = _pyproject_dependencies(folder / "pyproject.toml")
        if declared is not None:
            return _without_worker_packages("".join(f"{requirement}\n" for requirement in declared))
    return _requirements_from_imports(root, script_path)


def _read_listing(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(MAX_LISTING_BYTES + 1)
    if len(data) > MAX_LISTING_BYTES:
        raise InvalidValue(f"{path} is larger than {MAX_LISTING_BYTES >> 20} MB, which no list of packages is; "
                           "name the packages file with create --requirements FILE")
    return data


def _without_worker_packages(text: str) -> str:
    """The listed requirements less TaskTune itself, which the worker brings (and no index serves)."""
    kept = []
    for line in text.splitlines(keepends=True):
        named = _REQUIREMENT_NAME.match(line)
        if named and re.sub(r"[-_.]+", "-", named.group(1)).lower() in _WORKER_DISTRIBUTIONS:
            continue
        kept.append(line)
    return "".join(kept)


def _folders_up_to(folder: Path, root: Path) -> list[Path]:
    """The script's folder and each parent up to the repository root, nearest first."""
    if not folder.is_relative_to(root):
        return [folder, root]
    folders = [folder]
    while folders[-1] != root:
        folders.append(folders[-1].parent)
    return folders


def _pyproject_dependencies(pyproject: Path) -> list[str] | None:
    if not pyproject.is_file():
        return None
    try:
        project = tomllib.loads(_read_listing(pyproject).decode("utf-8")).get("project")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    dependencies = project.get("dependencies") if isinstance(project, dict) else None
    if not isinstance(dependencies, list):
        return None  # a pyproject.toml that only configures tools says nothing about packages
    return [str(requirement) for requirement in dependencies]


def _requirements_from_imports(root: Path, script_path: Path) -> str:
    # The script's folder and the repository root are on a task's PYTHONPATH; src/ is the usual layout.
    search_folders = list(dict.fromkeys([script_path.parent.resolve(), root, root / "src"]))
    installed = metadata.packages_distributions()
    imported_by_top_level: dict[str, set[str]] = {}
    for dotted in _imports_of(script_path):
        local_file = _local_module_file(dotted, search_folders, installed)
        # One level of the repository's own modules is followed: their imports are the script's too.
        inner_imports = [dotted] if local_file is None else _imports_of(local_file)
        for name in inner_imports:
            if local_file is None or _local_module_file(name, search_folders, installed) is None:
                imported_by_top_level.setdefault(name.partition(".")[0], set()).add(name)
    requirements: set[str] = set()
    for top_level, imported in imported_by_top_level.items():
        if top_level in sys.stdlib_module_names or top_level == "__main__":
            continue
        distributions = installed.get(top_level)
        if not distributions:
            requirements.add(_DISTRIBUTION_OF_IMPORT.get(top_level, top_level))
            continue
        # `from google import protobuf` is read as google.protobuf, which narrows the namespace best.
        for dotted in [name for name in imported if "." in name] or [top_level]:
            requirements.update(_pinned(name) for name in _narrowed(distributions, dotted) if _from_an_index(name))
    return "".join(f"{requirement}\n" for requirement in sorted(requirements, key=str.lower))


def local_imports(repo_root: Path, script_path: Path) -> list[Path]:
    """The repository's own modules the script imports (one level), in the order it imports them."""
    root = repo_root.resolve()
    search_folders = list(dict.fromkeys([script_path.parent.resolve(), root, root / "src"]))
    installed = metadata.packages_distributions()
    found = [_local_module_file(name, search_folders, installed) for name in _imports_of(script_path)]
    return list(dict.fromkeys(path for path in found if path is not None and path.is_file() and path != script_path))


def _imports_of(module_file: Path) -> list[str]:
    """Absolute imports anywhere in the file ("a.b" for `import a.b`, "a.b" and "a" for `from a import b`)."""
    try:
        tree = ast.parse(decode_source(module_file.read_bytes()))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # Relative imports (level > 0) are the repository's own modules by definition.
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _local_module_file(dotted: str, search_folders: Iterable[Path], installed: Mapping[str, list[str]]) -> Path | None:
    """The repository file a dotted import names (its deepest existing part), or None when not local."""
    parts = dotted.split(".")
    for folder in search_folders:
        top = folder / parts[0]
        # A folder without __init__.py is a namespace package, which an installed regular package of
        # that name would shadow: it is the repository's own only when nothing installed provides it.
        namespace = top.is_dir() and parts[0] not in installed
        if not (top.with_suffix(".py").is_file() or (top / "__init__.py").is_file() or namespace):
            continue
        for depth in range(len(parts), 0, -1):
            base = folder.joinpath(*parts[:depth])
            for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                if candidate.is_file():
                    return candidate
        return top  # a namespace folder: local, with no file of its own to follow
    return None


def _narrowed(distributions: list[str], dotted: str) -> list[str]:
    """For a namespace shared by several distributions (google.*), those that ship the imported part."""
    unique = list(dict.fromkeys(distributions))
    if len(unique) == 1 or "." not in dotted:
        return unique
    prefix = dotted.replace(".", "/")
    shipping = [
        name for name in unique if any(path.startswith((f"{prefix}/", f"{prefix}.py")) for path in _files_of(name))
    ]
    return shipping or unique


def _files_of(distribution: str) -> list[str]:
    try:
        return [str(path) for path in metadata.distribution(distribution).files or []]
    except metadata.PackageNotFoundError:
        return []


def _from_an_index(distribution: str) -> bool:
    """False for what no package index serves: TaskTune itself, and what was installed from a folder or file here
    (editable installs, `pip install ./lib`, the repository's own package), which a worker cannot download."""
    if re.sub(r"[-_.]+", "-", distribution).lower() in _WORKER_DISTRIBUTIONS:
        return False
    try:
        origin = metadata.distribution(distribution).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return True
    if not origin:
        return True
    try:
        url = json.loads(origin).get("url", "")
    except (json.JSONDecodeError, AttributeError):
        return True
    return not str(url).startswith("file:")


def _pinned(distribution: str) -> str:
    try:
        return f"{distribution}=={metadata.version(distribution)}"
    except metadata.PackageNotFoundError:
        return distribution
