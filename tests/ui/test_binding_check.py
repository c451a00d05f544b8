"""The start's self-check of the Qt binding: PySide6 6.12.0 on Python 3.11 is refused in one line, the lock's is not."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.window.binding_check import CALLS, BrokenQtBinding, check_binding, loses_none, none_references_lost
from tests.support.broken_binding import make_broken_env, python_311, run_environment
from tests.support.components import require_component

NONE_IS_MORTAL = sys.version_info < (3, 12)
mortal_none = pytest.mark.skipif(not NONE_IS_MORTAL, reason="None is immortal from Python 3.12: nothing to lose")


class LeakyCall:
    """A fake void call that drops a reference to None as the broken binding does; `repair` gives them back."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1
        ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))

    def repair(self) -> None:
        for _ in range(self.calls):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
        self.calls = 0


@pytest.fixture
def leaky() -> Iterator[LeakyCall]:
    call = LeakyCall()
    yield call
    call.repair()


@mortal_none
def test_a_call_that_loses_none_each_time_is_judged_broken(leaky: LeakyCall) -> None:
    assert none_references_lost(leaky) == CALLS
    assert loses_none(leaky)


def test_calls_that_lose_nothing_or_keep_none_are_sound() -> None:
    kept: list[None] = []
    assert not loses_none(lambda: None)
    assert not loses_none(lambda: kept.append(None))  # holding more references is not a loss
    assert len(kept) == CALLS


def test_the_installed_binding_passes(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    assert not loses_none(lambda: label.setText("x"))
    check_binding()  # refuses nothing here (its cost at start is bench/bench_soak.py's figure, not a test's)


@mortal_none
def test_a_leaking_binding_is_refused_naming_the_versions_and_the_fix(leaky: LeakyCall) -> None:
    with pytest.raises(BrokenQtBinding) as refused:
        check_binding(leaky)
    message = str(refused.value)
    assert message.startswith(f"PySide6 {__import__('PySide6').__version__} (shiboken6 ")
    assert f"on Python {sys.version_info.major}.{sys.version_info.minor}." in message
    assert "scripts/setup" in message and "PySide6-Essentials!=6.12.0" in message


@pytest.mark.skipif(NONE_IS_MORTAL, reason="Python 3.11: None's count is checked")
def test_an_immortal_none_is_not_checked(leaky: LeakyCall) -> None:
    check_binding(leaky)
    assert leaky.calls == 0


@pytest.fixture(scope="session")
def broken_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    python = python_311()
    require_component("Python 3.11", python is not None, "PySide6 6.12.0 breaks only there (pyenv install 3.11)")
    assert python is not None
    return make_broken_env(tmp_path_factory.mktemp("pyside-6.12.0"), python)


@pytest.mark.slow  # about 10 s: a venv of the locked libraries with PySide6 6.12.0, from uv's cache
def test_tasktune_refuses_pyside_6_12_0_on_python_3_11_in_one_line(broken_python: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tasktune.db'}"
    # A display is named but never reached: the refusal comes before the window (and Qt's platform) is built.
    env = run_environment(display=":97")
    window = subprocess.run([str(broken_python), "-m", "tasktune_gui", "--db", url], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert window.returncode == 1, window.stderr
    lines = window.stderr.splitlines()
    assert len(lines) == 1, window.stderr
    assert lines[0].startswith("tasktune: error: PySide6 6.12.0 (shiboken6 6.12.0) on Python 3.11.")
    assert "loses a reference to None" in lines[0] and "run scripts/setup" in lines[0]
    assert "PySide6-Essentials!=6.12.0" in lines[0]
    tray = subprocess.run([str(broken_python), "-m", "tasktune_gui", "--db", url, "tray", "--queue", "q"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert tray.returncode == 1, tray.stderr
    assert tray.stderr.splitlines()[-1].startswith("tasktune tray: PySide6 6.12.0 (shiboken6 6.12.0) on Python 3.11.")
