"""scripts/start offers the application-menu launcher once, in a terminal on a desktop."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.installed import ROOT


def start_in_a_terminal(home: Path, answer: str) -> str:
    """scripts/start --version on a pseudo-terminal (as a person runs it), typing `answer`; what it showed."""
    primary, secondary = os.openpty()
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "DISPLAY": ":77"}  # --version never opens the window
    os.write(primary, answer.encode())
    with subprocess.Popen([str(ROOT / "scripts" / "start"), "--version"], stdin=secondary, stdout=secondary,
                          stderr=secondary, env=env, cwd=home) as process:
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=300) == 0, shown
    os.close(primary)
    return shown.decode(errors="replace")


@pytest.mark.slow  # scripts/setup checks the environment on each start: ~5 s a run
def test_start_offers_the_launcher_once_and_installs_it_when_accepted(tmp_path: Path) -> None:
    shown = start_in_a_terminal(tmp_path, "y\n")
    assert "Add TaskTune to your application menu? [Y/n]" in shown and "TaskTune " in shown
    entry = tmp_path / "data" / "applications" / "tasktune.desktop"
    assert entry.is_file()
    entry.unlink()
    assert "application menu" not in start_in_a_terminal(tmp_path, "y\n")  # asked once, even after removal
    assert not entry.exists()


@pytest.mark.slow
def test_start_takes_no_for_an_answer(tmp_path: Path) -> None:
    assert "Not added. Later:" in start_in_a_terminal(tmp_path, "n\n")
    assert not (tmp_path / "data" / "applications" / "tasktune.desktop").exists()
    assert (tmp_path / "config" / "tasktune" / "launcher-offered").exists()  # so it is not asked again
