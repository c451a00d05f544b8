"""Property-based: random operation sequences keep every task in a status the table allows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition
from tests.core.lifecycle_support import EXPECTED, new_task, queue_state, run_operation

OPERATIONS = sorted(EXPECTED) + ["archive", "restore"]
TASKS = 3


@pytest.fixture(scope="module")
def shared_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Core]:
    # One database for all examples (each example makes its own tasks): opening one per example is slow.
    core = Core.open(f"sqlite:///{tmp_path_factory.mktemp('props') / 'tasktune.db'}")
    yield core
    core.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, TASKS - 1)), max_size=25))
def test_random_sequences_follow_the_table(shared_core: Core, steps: list[tuple[str, int]]) -> None:
    core = shared_core
    tasks = [new_task(core, f"t{i}") for i in range(TASKS)]
    model = dict.fromkeys(tasks, "draft")
    before_enqueue: dict[str, str] = {}
    for operation, index in steps:
        task_id = tasks[index]
        status = model[task_id]
        before = core.task_json(task_id)
        if operation in ("archive", "restore"):
            getattr(core.lifecycle, operation)(task_id)
            if operation == "archive" and status == "pending":
                model[task_id] = before_enqueue.pop(task_id)
            continue
        target = EXPECTED[operation].get(status)
        if target is None:
            with pytest.raises(InvalidTransition):
                run_operation(core, operation, task_id)
            assert core.task_json(task_id) == before, f"refused {operation} changed the task"
            continue
        run_operation(core, operation, task_id)
        if target == "pending":
            before_enqueue[task_id] = status
        elif status == "pending" and operation != "abort":
            target = before_enqueue.pop(task_id) if target == "<before>" else target
            before_enqueue.pop(task_id, None)
        elif status == "pending":
            before_enqueue.pop(task_id, None)
        model[task_id] = target
        assert core.tasks.get(task_id).status == target
    queued = [t for _, entries in queue_state(core) for t in entries]
    for task_id in tasks:
        assert core.tasks.get(task_id).status == model[task_id]
        assert queued.count(task_id) == (1 if model[task_id] == "pending" else 0)
