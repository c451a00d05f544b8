"""The change feed: changes committed by another process reach this process's bus."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition
from tasktune_gui.core.events import Change
from tasktune_gui.core.feed import ChangeFeed
from tasktune_gui.core.models import Task

CREATE_IN_OTHER_PROCESS = """
import sys
from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
core = Core.open(sys.argv[1])
print(core.tasks.add(Task(id="", name="from elsewhere"), "Elsewhere", queue="default"))
"""


def test_foreign_changes_are_published_and_own_ones_are_not_repeated(core: Core, db_url: str) -> None:
    seen: list[Change] = []
    core.events.subscribe(seen.append)
    feed = ChangeFeed(core.store, core.events)

    own = core.tasks.add(Task(id="", name="mine"), "Here")
    assert seen == [Change("project", "created", ("Here",)), Change("task", "created", (own,))]
    seen[:] = seen[1:]
    assert feed.poll() == 0, "our own change was published at commit; the feed must not repeat it"

    result = subprocess.run(
        [sys.executable, "-c", CREATE_IN_OTHER_PROCESS, db_url], capture_output=True, text=True, check=True
    )
    other = result.stdout.strip()
    assert feed.poll() == 2
    assert seen[1:] == [Change("project", "created", ("Elsewhere",)), Change("task", "created", (other,))]
    assert feed.poll() == 0


def test_a_refused_operation_records_nothing(sqlite_core: Core) -> None:
    feed = ChangeFeed(sqlite_core.store, sqlite_core.events)
    before = feed.latest()
    task_id = sqlite_core.tasks.add(Task(id="", name="t"), "P")
    after_add = feed.latest()
    assert after_add > before
    with pytest.raises(InvalidTransition):
        sqlite_core.lifecycle.publish(task_id)
    assert feed.latest() == after_add


def test_prune_keeps_recent_records(sqlite_core: Core) -> None:
    feed = ChangeFeed(sqlite_core.store, sqlite_core.events)
    sqlite_core.tasks.add(Task(id="", name="t"), "P")
    latest = feed.latest()
    feed.prune()
    assert feed.latest() == latest
