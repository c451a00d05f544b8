"""The start's self-check of the Qt binding: a PySide6 that loses a reference to None on every call is refused."""

from __future__ import annotations

import sys
from collections.abc import Callable

from tasktune_gui.core.errors import TaskTuneError

# PySide6 6.12.0 on Python 3.11 drops one reference to None per Qt call that returns nothing; None's count runs
# out after a few minutes of clicking and Python aborts ("none_dealloc"). A few hundred calls show it at once
# for a fraction of a millisecond. Python 3.12 made None immortal: the count never changes there, nor matters.
CALLS = 300
FIX = "run scripts/setup (the tested versions), or pip install 'PySide6-Essentials!=6.12.0'"


class BrokenQtBinding(TaskTuneError):
    """The installed PySide6 would crash a long session."""


def none_references_lost(void_call: Callable[[], object], calls: int = CALLS) -> int:
    """How many references to None `calls` calls of `void_call` lose (0 on a sound binding)."""
    before = sys.getrefcount(None)
    for _ in range(calls):
        void_call()
    return before - sys.getrefcount(None)


def loses_none(void_call: Callable[[], object], calls: int = CALLS) -> bool:
    """Whether `void_call` loses a reference to None most times it is called (a stray few are other code's)."""
    return none_references_lost(void_call, calls) > calls // 2


def _qt_void_call() -> Callable[[], object]:
    from PySide6.QtCore import QObject

    probe = QObject()  # needs no QApplication: the check runs before anything of the window is built
    return lambda: probe.setObjectName("binding-check")


def check_binding(void_call: Callable[[], object] | None = None) -> None:
    """Raise BrokenQtBinding, naming the versions and the fix, when the running PySide6 loses None."""
    if sys.version_info >= (3, 12):
        return
    if loses_none(void_call or _qt_void_call()):
        raise BrokenQtBinding(f"{binding_versions()} loses a reference to None on every Qt call and would crash "
                              f"the window within minutes; {FIX}")


def binding_versions() -> str:
    """'PySide6 6.12.0 (shiboken6 6.12.0) on Python 3.11.7'."""
    import PySide6
    import shiboken6

    return (f"PySide6 {PySide6.__version__} (shiboken6 {shiboken6.__version__}) "
            f"on Python {'.'.join(map(str, sys.version_info[:3]))}")
