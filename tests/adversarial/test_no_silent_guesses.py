"""Items 6 (input) and 9: an empty or unprintable value is refused in one line, not silently guessed at."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.models import Task
from tasktune_gui.core.tasks import TaskQuery
from tests.support.cli import TRAIN_SCRIPT, Run, add_draft, one_error_line
from tests.support.git import make_repo


@pytest.mark.parametrize(("argv", "message"), [
    (("tag", "{id}", "good", ""), "a tag cannot be empty"),
    (("enqueue", "{id}", "--queue", ""), "a queue name cannot be empty"),  # not the default queue
], ids=["tag", "queue"])
def test_an_empty_name_is_refused(tt: Run, sqlite_url: str, argv: tuple[str, ...], message: str) -> None:
    task_id = add_draft(sqlite_url, "t")
    one_error_line(tt(*(arg.format(id=task_id) for arg in argv)), 1, message)


def test_gpus_with_empty_ids_are_refused(tt: Run) -> None:
    done = tt("worker", "--once", "--gpus", ",,")
    assert done.returncode == 1 and "--gpus ',,' has an empty GPU id" in done.stderr


def test_an_empty_tasktune_db_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "TASKTUNE_DB": ""}
    done = subprocess.run([sys.executable, "-m", "tasktune_gui", "list"], capture_output=True, text=True, env=env,
                          timeout=120, check=False, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == ("tasktune: error: $TASKTUNE_DB is set but empty: unset it to use the default database, "
                           "or give a URL\n")


def test_a_script_outside_the_repo_is_refused(tt: Run, tmp_path: Path) -> None:
    for name in ("A", "B"):
        make_repo(tmp_path / name, {"x.py": TRAIN_SCRIPT})
    one_error_line(tt("create", "--project", "P", "--name", "n", "--repo", str(tmp_path / "A"), "--script",
                      "../B/x.py"), 1, "is outside the repository given by --repo")


@pytest.mark.parametrize("text", ["\x1b[31mred", "bell\x07", "two\nlines", "c1\x9b"])
def test_control_characters_are_refused_in_names_tags_and_projects(core: Core, text: str) -> None:
    task_id = core.tasks.add(Task(id="", name="plain"), "P")
    with pytest.raises(InvalidValue, match="control character"):
        core.tasks.add(Task(id="", name=text), "P")
    with pytest.raises(InvalidValue, match="control character"):
        core.tasks.rename(task_id, text)
    with pytest.raises(InvalidValue, match="control character"):
        core.tasks.add_tags(task_id, [text])
    with pytest.raises(InvalidValue, match="control character"):
        core.tasks.add(Task(id="", name="plain"), text)
    with pytest.raises(InvalidValue, match="control character"):
        core.tasks.clone(task_id, name=text)
    assert [task.name for task in core.tasks.query(TaskQuery())] == ["plain"]
