"""Every operation from every status: allowed ones move as REFERENCE §1 says, refused ones change nothing."""

from __future__ import annotations

import pytest

from tasktune_gui.core.about import tasktune_version
from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidTransition, QueueNotFound, TaskNotFound
from tasktune_gui.core.migrate import HEAD
from tasktune_gui.core.status import ENABLED_FOR, TRANSITIONS, Operation, Status, allows
from tasktune_gui.core.tasks import TaskQuery
from tests.support.lifecycle import (
    ALLOWED_TRANSITIONS,
    BEFORE,
    OPERATIONS,
    RESULT_TABLES,
    STATUSES,
    STAYS,
    VERBS,
    make_in,
    queue_state,
    row_counts,
    run_operation,
    snapshot,
)


def queued(core: Core, task_id: str) -> list[str]:
    """The queues holding the task (one entry per hit)."""
    return [name for name, entries in queue_state(core) for _, t in entries if t == task_id]


def test_the_core_status_table_is_the_reference_one() -> None:
    assert {(old.value, new.value) for old, new in TRANSITIONS} == ALLOWED_TRANSITIONS
    for operation, allowed in ENABLED_FOR.items():
        name = operation.name.lower()
        expected = {"draft"} if operation is Operation.DELETE else set(OPERATIONS[name])
        assert {s.value for s in allowed} == expected, operation


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operation_from_every_status(core: Core, operation: str) -> None:
    for status in STATUSES:
        task_id = make_in(core, status, name=f"{operation} from {status}")
        before = snapshot(core, task_id)
        target = OPERATIONS[operation].get(status)
        if target is None:
            with pytest.raises(InvalidTransition) as refused:
                run_operation(core, operation, task_id)
            label = status.capitalize()
            assert str(refused.value).startswith(f"cannot {VERBS[operation]} task {task_id}: it is {label}")
            assert snapshot(core, task_id) == before, f"refused {operation} from {status} changed something"
            continue
        run_operation(core, operation, task_id)
        after = core.task_json(task_id)
        expected = {BEFORE: "draft", STAYS: status}.get(target, target)  # make_in enqueues drafts
        assert after["status"] == expected, f"{operation} from {status}"
        assert expected == status or (status, expected) in ALLOWED_TRANSITIONS
        assert queued(core, task_id) == (["default"] if expected == "pending" else [])


def archived_in(core: Core, status: str) -> str:
    """An archived task in the status (archiving dequeues, so a pending one is enqueued after)."""
    task_id = make_in(core, "draft" if status == "pending" else status, name=f"archived {status}")
    core.lifecycle.archive(task_id)
    if status == "pending":
        core.lifecycle.enqueue(task_id)
    record = core.task_json(task_id)
    assert (record["status"], record["archived"]) == (status, True)
    return task_id


@pytest.mark.parametrize("archived", [False, True], ids=["shown", "archived"])
def test_delete_only_drafts_and_archived_tasks_with_everything_they_own(core: Core, archived: bool) -> None:
    for status in STATUSES:
        task_id = archived_in(core, status) if archived else make_in(core, status, name=status)
        allowed = (status == "draft" or archived) and status not in ("pending", "running")
        assert allows(Operation.DELETE, Status(status), archived) == allowed  # what the window enables
        if not allowed:
            before = snapshot(core, task_id)
            with pytest.raises(InvalidTransition, match=f"cannot delete task {task_id}: it is {status.capitalize()}"):
                core.lifecycle.delete(task_id)
            assert snapshot(core, task_id) == before
            continue
        assert row_counts(core, task_id)["hyperparameter"] == 1
        core.lifecycle.delete(task_id)
        with pytest.raises(TaskNotFound):
            core.tasks.get(task_id)
        assert set(row_counts(core, task_id).values()) == {0}, f"rows of a deleted {status} task remain"
        assert queued(core, task_id) == []


@pytest.mark.parametrize("before", ["draft", "aborted", "failed"])
def test_dequeue_returns_to_the_status_before_enqueue(core: Core, before: str) -> None:
    task_id = make_in(core, before)
    for _ in range(2):  # twice: the remembered status is not lost by a round trip
        core.lifecycle.enqueue(task_id)
        core.lifecycle.dequeue(task_id)
        assert core.tasks.get(task_id).status == before
        assert queued(core, task_id) == []
    core.lifecycle.enqueue(task_id)
    core.lifecycle.archive(task_id)  # archiving a pending task dequeues it the same way
    assert (core.tasks.get(task_id).status, core.tasks.get(task_id).archived) == (before, True)
    assert queued(core, task_id) == []


def test_abort_of_a_pending_task_dequeues_and_aborts_at_once(core: Core) -> None:
    task_id = make_in(core, "pending")
    seen: list[object] = []
    core.events.subscribe(seen.append)
    core.lifecycle.abort(task_id)
    record = core.task_json(task_id)
    assert (record["status"], record["status_reason"], record["abort_requested"]) == ("aborted", "user abort", False)
    assert record["completed"] is not None
    assert queued(core, task_id) == []
    assert len(seen) == 1, "dequeue and abort are one transaction"


def test_abort_of_a_running_task_is_a_request_the_worker_completes(core: Core) -> None:
    task_id = make_in(core, "running")
    core.lifecycle.abort(task_id)
    record = core.task_json(task_id)
    assert (record["status"], record["abort_requested"], record["status_reason"]) == ("running", True, "user abort")
    core.lifecycle.abort(task_id)  # asking twice is harmless
    core.lifecycle.mark_aborted(task_id, exit_code=-15)
    record = core.task_json(task_id)
    assert (record["status"], record["status_reason"], record["abort_requested"]) == ("aborted", "user abort", False)
    assert record["runtime"]["exit_code"] == -15
    assert record["completed"] is not None


CLEARED = ("status", "status_reason", "status_message", "started", "completed", "last_update", "output_models",
           "last_iteration", "metrics", "runtime", "abort_requested")


@pytest.mark.parametrize("status", ["aborted", "completed", "failed"])
def test_reset_clears_results_and_runtime_and_keeps_the_rest(core: Core, status: str) -> None:
    task_id = make_in(core, status)
    before = core.task_json(task_id)
    assert before["metrics"] and before["output_models"] and before["runtime"]["worker"] == "w1"
    assert all(row_counts(core, task_id)[table.__tablename__] for table in RESULT_TABLES)
    core.lifecycle.reset(task_id)
    record = core.task_json(task_id)
    assert (record["status"], record["status_reason"], record["status_message"]) == ("draft", "", "")
    assert (record["started"], record["completed"], record["last_iteration"]) == (None, None, None)
    assert record["runtime"] == {"worker": None, "host": None, "pid": None, "exit_code": None, "container_id": None,
                                 "setup_step": "", "setup_started": None, "tasktune_version": "",
                                 "schema_version": ""}
    assert (record["metrics"], record["output_models"], record["abort_requested"]) == ({}, [], False)
    assert [row_counts(core, task_id)[table.__tablename__] for table in RESULT_TABLES] == [0] * len(RESULT_TABLES)
    assert core.results.console(task_id) == [] and core.results.scalars(task_id) == []
    assert {k: v for k, v in record.items() if k not in CLEARED} == {
        k: v for k, v in before.items() if k not in CLEARED}, "reset touched what it must keep"
    core.lifecycle.enqueue(task_id)  # a reset task is a Draft like any other


def test_start_and_finish_record_the_runtime(core: Core) -> None:
    task_id = make_in(core, "pending")
    core.lifecycle.start(task_id, worker="gpu-box:1", host="gpu-box", pid=99)
    record = core.task_json(task_id)
    assert record["runtime"] | {"exit_code": None} == {"worker": "gpu-box:1", "host": "gpu-box", "pid": 99,
                                                       "exit_code": None, "container_id": None,
                                                       "setup_step": "", "setup_started": None,
                                                       "tasktune_version": tasktune_version(), "schema_version": HEAD}
    assert record["started"] is not None and record["completed"] is None
    assert queued(core, task_id) == []
    core.lifecycle.fail(task_id, "exit code 3", "Traceback ...", exit_code=3)
    record = core.task_json(task_id)
    assert (record["status_reason"], record["status_message"], record["runtime"]["exit_code"]) == (
        "exit code 3", "Traceback ...", 3)
    direct = make_in(core, "draft")
    core.lifecycle.run_direct(direct, host="laptop", pid=5)
    core.lifecycle.complete(direct)
    record = core.task_json(direct)
    assert (record["status"], record["runtime"]["host"], record["runtime"]["exit_code"]) == ("completed", "laptop", 0)
    assert record["execution"]["queue"] is None
    assert record["runtime"]["tasktune_version"] == tasktune_version()
    popped = make_in(core, "pending")
    assert core.queues.pop(["default"], worker="w", host="h") == popped
    assert (core.task_json(popped)["runtime"]["tasktune_version"], core.task_json(popped)["runtime"]["schema_version"]
            ) == (tasktune_version(), HEAD)


@pytest.mark.parametrize("end", ["complete", "fail", "mark_aborted"])
def test_a_runs_last_lines_go_in_with_its_end_or_not_at_all(core: Core, end: str) -> None:
    from tasktune_gui.core.models import utcnow
    from tasktune_gui.core.results import SETUP_STREAM, ClosingLines

    closing = ClosingLines(utcnow(), ((SETUP_STREAM, "[setup] start 0.0 s"),))
    finish = {"complete": lambda task_id: core.lifecycle.complete(task_id, closing=closing),
              "fail": lambda task_id: core.lifecycle.fail(task_id, "exit code 1", closing=closing),
              "mark_aborted": lambda task_id: core.lifecycle.mark_aborted(task_id, closing=closing)}[end]
    running = make_in(core, "running")
    before = [line.text for line in core.results.console(running, setup=True)]
    finish(running)
    assert [line.text for line in core.results.console(running, setup=True)] == [*before, "[setup] start 0.0 s"]
    assert core.results.console_batch_stored(running, closing.at, 1)  # what a retry after a lost answer asks
    with pytest.raises(InvalidTransition):
        finish(running)  # ended already: the second end is refused, and its lines with it
    assert len(core.results.console(running, setup=True)) == len(before) + 1


def test_the_setup_step_is_on_a_running_task_until_it_ends(core: Core) -> None:
    from tasktune_gui.core.errors import TaskTuneError

    task_id = make_in(core, "pending")
    core.lifecycle.start(task_id, worker="w", host="h")
    core.lifecycle.record_setup_step(task_id, "environment")
    runtime = core.task_json(task_id)["runtime"]
    assert runtime["setup_step"] == "environment" and runtime["setup_started"] is not None
    with pytest.raises(TaskTuneError, match="not a setup step"):
        core.lifecycle.record_setup_step(task_id, "coffee")
    core.lifecycle.complete(task_id)  # the end clears it, whatever the worker still meant to write
    core.lifecycle.record_setup_step(task_id, "start")
    runtime = core.task_json(task_id)["runtime"]
    assert (runtime["setup_step"], runtime["setup_started"]) == ("", None)


def test_retry_and_enqueue_pick_the_right_queue(core: Core) -> None:
    core.queues.create("gpu")
    task_id = make_in(core, "failed", queue="gpu")
    assert core.lifecycle.retry(task_id).queue == "gpu"
    assert queued(core, task_id) == ["gpu"]
    direct = make_in(core, "draft")
    core.lifecycle.run_direct(direct)
    core.lifecycle.fail(direct, "exit code 1")
    result = core.lifecycle.retry(direct)
    assert (result.queue, result.watchers) == ("default", 0)
    draft = make_in(core, "draft")
    before = snapshot(core, draft)
    with pytest.raises(QueueNotFound, match=r"no queue named 'nope' \(queues: default, gpu\)"):
        core.lifecycle.enqueue(draft, "nope")
    assert snapshot(core, draft) == before


def test_archive_hides_and_restore_shows(core: Core) -> None:
    running = make_in(core, "running")
    core.lifecycle.archive(running)
    record = core.task_json(running)
    assert (record["status"], record["archived"], record["abort_requested"]) == ("running", True, True)
    assert running not in [t.id for t in core.tasks.query(TaskQuery())]
    assert running in [t.id for t in core.tasks.query(TaskQuery(archived=True))]
    core.lifecycle.mark_aborted(running)
    core.lifecycle.restore(running)
    assert (core.tasks.get(running).archived, core.tasks.get(running).status) == (False, "aborted")
    assert running in [t.id for t in core.tasks.query(TaskQuery())]


@pytest.mark.parametrize(("operation", "archived", "allowed"), [
    (Operation.ARCHIVE, False, True), (Operation.ARCHIVE, True, False),
    (Operation.RESTORE, True, True), (Operation.RESTORE, False, False),
])
def test_archive_and_restore_follow_the_archived_flag_whatever_the_status(operation: Operation, archived: bool,
                                                                          allowed: bool) -> None:
    assert {allows(operation, status, archived) for status in Status} == {allowed}
