"""Every operation from every status: allowed ones move as REFERENCE §1 says, refused ones change nothing."""

from __future__ import annotations

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition, TaskTuneError
from tests.core.lifecycle_support import EXPECTED, STATUSES, make_in, new_task, queue_state, run_operation


@pytest.mark.parametrize("operation", sorted(EXPECTED))
def test_operation_from_every_status(core: Core, operation: str) -> None:
    for status in STATUSES:
        task_id = make_in(core, status, name=f"{operation} from {status}")
        expected = EXPECTED[operation].get(status)
        before, queues_before = core.task_json(task_id), queue_state(core)
        if expected is None:
            with pytest.raises(InvalidTransition) as refused:
                run_operation(core, operation, task_id)
            assert task_id in str(refused.value)
            assert core.task_json(task_id) == before, f"{operation} from {status} changed the task"
            assert queue_state(core) == queues_before
            continue
        run_operation(core, operation, task_id)
        after = core.task_json(task_id)
        target = "draft" if expected == "<before>" else expected
        assert after["status"] == target, f"{operation} from {status}"
        in_queue = [t for _, entries in queue_state(core) for t in entries if t == task_id]
        assert len(in_queue) == (1 if target == "pending" else 0)


@pytest.mark.parametrize("before", ["draft", "aborted", "failed"])
def test_dequeue_returns_to_the_status_before_enqueue(core: Core, before: str) -> None:
    task_id = make_in(core, before)
    core.lifecycle.enqueue(task_id)
    core.lifecycle.dequeue(task_id)
    assert core.tasks.get(task_id).status == before
    assert queue_state(core) == [("default", [])]


def test_abort_of_a_running_task_is_a_request_the_worker_completes(core: Core) -> None:
    task_id = make_in(core, "running")
    core.lifecycle.abort(task_id)
    record = core.task_json(task_id)
    assert record["status"] == "running"
    assert record["abort_requested"] is True
    assert record["status_reason"] == "user abort"
    core.lifecycle.mark_aborted(task_id, exit_code=-15)
    record = core.task_json(task_id)
    assert (record["status"], record["status_reason"], record["abort_requested"]) == ("aborted", "user abort", False)


def test_reset_clears_results_and_runtime(core: Core) -> None:
    from tasktune_gui.core.models import Artifact
    from tasktune_gui.core.results import ScalarPoint

    task_id = make_in(core, "running")
    core.results.append_console(task_id, [("stdout", "hello")])
    core.results.report_scalars(task_id, [ScalarPoint("loss", "train", 3, 0.5)])
    core.results.add_artifact(task_id, Artifact(task_id=task_id, name="weights", uri="file:///w", size=3))
    core.models.create("out", task_id=task_id)
    core.lifecycle.complete(task_id)
    assert core.task_json(task_id)["output_models"]
    core.lifecycle.reset(task_id)
    record = core.task_json(task_id)
    assert record["status"] == "draft"
    assert (record["started"], record["completed"], record["last_iteration"]) == (None, None, None)
    assert record["runtime"] == {"worker": None, "host": None, "pid": None, "exit_code": None, "container_id": None}
    assert (record["metrics"], record["output_models"]) == ({}, [])
    assert core.results.console(task_id) == []
    assert core.results.scalars(task_id) == []
    assert core.results.artifacts(task_id) == []


def test_archive_dequeues_a_pending_task_and_delete_rules(core: Core) -> None:
    pending = make_in(core, "pending")
    core.lifecycle.archive(pending)
    assert core.tasks.get(pending).status == "draft"
    assert core.tasks.get(pending).archived
    assert queue_state(core) == [("default", [])]
    running = make_in(core, "running")
    core.lifecycle.archive(running)
    assert core.task_json(running)["abort_requested"] is True
    with pytest.raises(InvalidTransition):
        core.lifecycle.delete(running)
    completed = make_in(core, "completed")
    with pytest.raises(InvalidTransition):
        core.lifecycle.delete(completed)
    core.lifecycle.archive(completed)
    core.lifecycle.delete(completed)
    core.lifecycle.restore(pending)
    core.lifecycle.delete(pending)
    for gone in (completed, pending):
        with pytest.raises(TaskTuneError):
            core.tasks.get(gone)


def test_concurrent_status_change_is_refused(core: Core) -> None:
    """Compare-and-set: an operation decided on a stale status does not overwrite a newer one."""
    from tasktune_gui.core.lifecycle import set_status
    from tasktune_gui.core.lookup import get_task
    from tasktune_gui.core.status import Status

    task_id = new_task(core)
    with core.store.read() as session:
        stale = get_task(session, task_id)
    core.lifecycle.enqueue(task_id)
    with pytest.raises(InvalidTransition), core.store.write() as session:
        set_status(session, session.merge(stale, load=False), Status.DRAFT, Status.RUNNING)
    assert core.tasks.get(task_id).status == "pending"
