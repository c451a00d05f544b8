"""`tasktune desktop install|uninstall`: a valid XDG desktop entry and the app icon in the user's data folder."""

from __future__ import annotations

import shlex
import stat
import sys
from pathlib import Path

import pytest

from tasktune_gui.cli.desktop_command import PNG_SIZES
from tasktune_gui.cli.main import main
from tests.support.desktop import desktop_file_validate, entry_values


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg data"  # a space: the Exec line must quote what it names
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_install_writes_a_valid_entry_and_the_icons_and_uninstall_removes_them(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["desktop", "install"]) == 0
    entry = data_home / "applications" / "tasktune.desktop"
    assert capsys.readouterr().out.strip() == str(entry)
    assert desktop_file_validate(entry) == ""
    values = entry_values(entry)
    assert values["Name"] == "TaskTune" and values["Icon"] == "tasktune" and values["StartupWMClass"] == "TaskTune"
    # This installation's own command, found beside the interpreter that runs it, with nothing else.
    assert shlex.split(values["Exec"]) == [str(Path(sys.executable).parent / "tasktune")] == [values["TryExec"]]
    theme = data_home / "icons" / "hicolor"
    assert (theme / "scalable" / "apps" / "tasktune.svg").read_text().startswith("<svg")
    for size in PNG_SIZES:
        assert (theme / f"{size}x{size}" / "apps" / "tasktune.png").read_bytes()[:4] == b"\x89PNG"

    assert main(["desktop", "uninstall"]) == 0
    assert not entry.exists()
    assert [p for p in theme.rglob("*") if p.is_file()] == []
    assert main(["desktop", "uninstall"]) == 0  # nothing left to remove is not an error
    assert "no launcher" in capsys.readouterr().err


def test_a_named_database_is_opened_by_the_launcher_and_kept_private(data_home: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lab.db'}"
    assert main(["--db", url, "desktop", "install"]) == 0
    entry = data_home / "applications" / "tasktune.desktop"
    assert shlex.split(entry_values(entry)["Exec"])[1:] == ["--db", url]
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # a URL may hold a password
    assert desktop_file_validate(entry) == ""
