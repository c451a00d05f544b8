"""`tasktune` and `tasktune --db URL` open the window without building the commands' parser (and so the core)."""

from __future__ import annotations

import pytest

from tasktune_gui.cli.main import window_only


@pytest.mark.parametrize(("argv", "expected"), [
    ([], (True, None)),
    (["--db", "sqlite:///x.db"], (True, "sqlite:///x.db")),
    (["--db=sqlite:///x.db"], (True, "sqlite:///x.db")),
    (["list"], (False, None)),
    (["--db", "sqlite:///x.db", "list"], (False, None)),
    (["--db", "--help"], (False, None)),  # the parser says what is wrong with that
    (["--help"], (False, None)),
])
def test_only_the_window_command_lines_skip_the_parser(argv: list[str], expected: tuple[bool, str | None]) -> None:
    assert window_only(argv) == expected
