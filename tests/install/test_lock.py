"""constraints.txt locks every library pyproject.toml needs, on every supported Python, within its ranges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SUPPORTED = ("3.11", "3.12", "3.13")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_for(python: str) -> dict[str, Version]:
    """name → the version constraints.txt installs on that Python."""
    environment = {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": "linux",
                   "platform_system": "Linux", "platform_machine": "x86_64", "implementation_name": "cpython",
                   "platform_python_implementation": "CPython", "os_name": "posix"}
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        requirement, _semicolon, marker = line.partition(";")
        if not requirement.strip() or requirement.startswith("#"):
            continue
        if marker.strip() and not Marker(marker.strip()).evaluate(environment):
            continue
        name, _equals, version = requirement.strip().partition("==")
        pins[normalized(name)] = Version(version)
    return pins


@pytest.mark.parametrize("python", SUPPORTED)
def test_every_direct_dependency_is_locked_within_its_range(python: str) -> None:
    pins = locked_for(python)
    extras = PYPROJECT["project"]["optional-dependencies"]
    wanted = PYPROJECT["project"]["dependencies"] + [r for group in extras.values() for r in group]
    environment = {"python_version": python, "python_full_version": f"{python}.0", "extra": ""}
    for text in wanted:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        name = normalized(requirement.name)
        assert name in pins, f"{name} is not in constraints.txt (run scripts/lock --keep-versions)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name} {pins[name]} is outside pyproject.toml's {requirement.specifier} on Python {python}")


def test_the_qt_binding_that_crashes_python_3_11_is_neither_allowed_nor_locked_there() -> None:
    assert locked_for("3.11")["pyside6-essentials"] != Version("6.12.0")
    allowed = [Requirement(r) for r in PYPROJECT["project"]["dependencies"] if r.startswith("PySide6")]
    on_311 = [r for r in allowed if r.marker is None or r.marker.evaluate({"python_version": "3.11"})]
    assert on_311 and all(not r.specifier.contains("6.12.0") for r in on_311)
