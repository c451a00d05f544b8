"""The PySide6 window: the only package that imports Qt."""

import builtins

import PySide6  # noqa: F401  # installs PySide's import hook, which is taken out again below

# PySide replaces the import statement with a hook that, for its `from __feature__ import` option (which
# TaskTune does not use), reads the source of every module imported after it: a quarter of the time the core's
# libraries take to load once the window's frame is up, and a known crash risk for modules imported on a
# thread while the window paints. The import Python had is put back (PySide then wraps it in `__lazy_import__`,
# a light hook of its own for its lazily made types).
if getattr(builtins.__import__, "__name__", "") == "__feature_import__" and hasattr(builtins, "__orig_import__"):
    builtins.__import__ = builtins.__orig_import__
