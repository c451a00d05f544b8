"""Helpers shared between test folders come from tests/support, never from another folder's conftest."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CONFTEST_IMPORT = re.compile(r"^\s*from\s+(tests(\.\w+)*\.conftest|\.+conftest)\s+import\b", re.MULTILINE)


def test_no_test_imports_from_a_conftest() -> None:
    offenders = sorted(str(path.relative_to(TESTS)) for path in TESTS.rglob("*.py")
                       if CONFTEST_IMPORT.search(path.read_text(encoding="utf-8")))
    assert offenders == [], f"import these helpers from tests/support instead: {offenders}"
