"""Every failure before the start is named on the task, and the worker goes on to the next task."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import git
from tests.support.runs import add_task, status
from tests.support.waiting import wait_for

POSITIONALS = {
    "Args": {
        "source": {"value": "a", "type": "positional", "description": ""},
        "target": {"value": "b", "type": "positional", "description": ""},
    }
}
BAD_DIFF = "diff --git a/nothing.py b/nothing.py\n--- a/nothing.py\n+++ b/nothing.py\n@@ -1 +1 @@\n-old\n+new\n"


def ended(core: Core, task_id: str) -> str:
    return str(wait_for(core, lambda: status(core, task_id) in ("completed", "failed", "aborted"), what=task_id)
               and status(core, task_id))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"repository": "/no/such/repository"}, "failed cloning repository"),
        ({"commit": "0123456789abcdef" * 2}, "failed checking out " + "0123456789abcdef" * 2),
        ({"branch": "no-such-branch"}, "failed checking out no-such-branch"),
        ({"tag": "v9"}, "failed checking out v9"),
        ({"diff": BAD_DIFF}, "failed applying diff"),
        ({"entry_point": "missing.py"}, "script not found: missing.py"),
        ({"binary": "no-such-interpreter-xyz"}, "binary not found: no-such-interpreter-xyz"),
        ({"requirements": "./no/such/local/package\n"}, "failed creating environment"),
    ],
)
def test_prestart_failure_names_step_and_next_task_runs(
    sqlite_core: Core, worker: Worker, repo: Path, fields: dict[str, str], reason: str
) -> None:
    bad_fields = dict(fields)
    source = bad_fields.pop("repository", str(repo))
    bad = add_task(sqlite_core, source, hyperparameters=POSITIONALS, **bad_fields)
    good = add_task(sqlite_core, repo, hyperparameters=POSITIONALS)
    assert ended(sqlite_core, bad) == "failed"
    assert sqlite_core.tasks.get(bad).status_reason == reason
    assert ended(sqlite_core, good) == "completed"


def test_diff_is_applied_and_branch_head_written_back(sqlite_core: Core, worker: Worker, repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "helper.py").write_text("VALUE = 'from the branch'\n")
    git(repo, "commit", "-qam", "branch change")
    head = git(repo, "rev-parse", "HEAD")
    (repo / "helper.py").write_text("VALUE = 'from the diff'\n")
    (repo / "new_module.py").write_text("X = 1\n")
    git(repo, "add", "-N", "new_module.py")
    diff = git(repo, "diff", "HEAD") + "\n"
    git(repo, "checkout", "-q", "--", "helper.py")
    task_id = add_task(sqlite_core, repo, hyperparameters=POSITIONALS, branch="feature", diff=diff)
    assert ended(sqlite_core, task_id) == "completed"
    output = [line.text for line in sqlite_core.results.console(task_id) if line.stream == "stdout"]
    assert '"helper": "from the diff"' in output[0]
    assert sqlite_core.tasks.get(task_id).commit == head


def test_tag_and_file_url_sources(sqlite_core: Core, worker: Worker, repo: Path) -> None:
    git(repo, "tag", "v1")
    (repo / "helper.py").write_text("VALUE = 'later'\n")
    git(repo, "commit", "-qam", "later")
    task_id = add_task(sqlite_core, repo.as_uri(), hyperparameters=POSITIONALS, tag="v1")
    assert ended(sqlite_core, task_id) == "completed"
    output = [line.text for line in sqlite_core.results.console(task_id) if line.stream == "stdout"]
    assert '"helper": "committed"' in output[0]
