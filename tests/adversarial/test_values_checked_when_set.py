"""Item 3: values that would fail only when the task runs are refused when they are set (CLI and window)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import InvalidValue
from tests.support.cli import Run, created_id, one_error_line, show


@pytest.fixture
def draft(tt: Run, working_copy: Path) -> str:
    return created_id(tt("create", "--project", "P", "--name", "n", "--repo", str(working_copy),
                         "--script", "train.py"))


def task_json(db_url: str, task_id: str) -> dict[str, Any]:
    core = Core.open(db_url)
    try:
        return core.task_json(task_id)
    finally:
        core.close()


@pytest.mark.parametrize(("option", "value", "fragment"), [
    ("--param", "Args/lr=abc", "'abc' is not a valid float"),
    ("--param", "Args/epochs=1.5", "'1.5' is not a valid int"),
    ("--param", "Args/verbose=yes", "is not true or false"),
    ("--env", "A B=x", "'A B' is not an environment variable name"),
    ("--param", "Environment/1X=x", "'1X' is not an environment variable name"),
    ("--commit", "zzz", "is not a commit id"),
    ("--commit", "0123456789abcdef0123456789abcdef01234567", "is not in"),
    ("--tag", "nosuch", "tag 'nosuch' is not in"),
    ("--branch", "nosuch", "branch 'nosuch' is not in"),
    ("--container-args", '"unterminated', "close the quote"),
])
def test_set_refuses_a_value_the_run_would_fail_on(tt: Run, sqlite_url: str, draft: str, option: str, value: str,
                                                   fragment: str) -> None:
    before = task_json(sqlite_url, draft)
    one_error_line(tt("set", draft, option, value, "--param", "Args/epochs=7"), 1, fragment)
    assert task_json(sqlite_url, draft) == before  # nothing half-written


def test_set_takes_what_exists(tt: Run, draft: str, working_copy: Path) -> None:
    for option, value in [("--tag", "v1"), ("--branch", "dev"), ("--param", "Args/lr=0.5"), ("--env", "A_B=x y"),
                          ("--container-args", "-e 'A=b c'"), ("--param", "Args/lr=")]:
        assert tt("set", draft, option, value).returncode == 0, (option, value)
    assert show(tt, draft)["execution"]["branch"] == "dev"


def test_create_refuses_unterminated_container_arguments(tt: Run, working_copy: Path) -> None:
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(working_copy), "--script",
                      "train.py", "--container-args", '"unterminated'), 1, "close the quote")
    assert tt("list", "--json").stdout.strip() == "[]"


def test_the_core_checks_what_the_window_saves(sqlite_url: str, tt: Run, draft: str) -> None:
    core = Core.open(sqlite_url)
    try:
        with pytest.raises(InvalidValue, match="is not a commit id"):
            core.editor.apply(draft, TaskEdit(execution={"commit": "zzz"}))
        with pytest.raises(InvalidValue, match="not a valid float"):
            core.editor.apply(draft, TaskEdit(hyperparameters=[("Args", "lr", "abc")]))
    finally:
        core.close()
