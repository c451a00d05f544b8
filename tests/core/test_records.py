"""Whole task records, typed and frozen, read for many tasks at once in a fixed number of queries."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tasktune_gui.core.api import Core
from tasktune_gui.core.history import last_said
from tasktune_gui.core.records import CHUNK
from tasktune_gui.core.results import ScalarPoint
from tests.core.test_clone_and_edit import full_task
from tests.support.lifecycle import new_task


@contextmanager
def counted_queries(core: Core) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN
            statements.append(statement)

    event.listen(core.store.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(core.store.engine, "before_cursor_execute", seen)


def test_a_whole_record_holds_every_part_of_the_task(core: Core) -> None:
    task_id = full_task(core)
    record = core.task_records([task_id])[0]
    assert (record.name, record.project, record.status, record.tags) == ("source", "P", "completed", ("a", "b"))
    assert record.execution.container.image == "nvidia/cuda:12" and record.execution.commit == "a" * 40
    assert list(record.hyperparams) == ["Args", "TF_DEFINE", "custom"]
    assert list(record.hyperparams["custom"]) == ["z", "a"]
    assert record.hyperparams["Args"]["lr"] == {"value": "0.1", "type": "float", "description": "rate"}
    assert record.user_properties == {"owner": {"value": "me", "description": "who"}}
    assert list(record.configuration) == ["model", "extra"]
    assert record.metrics == {"loss/train": 0.25} and len(record.output_models) == 1
    assert (record.runtime.worker, record.runtime.host, record.runtime.pid) == ("w1", "gpu-box", 42)
    assert record.labels == {"cat": 0, "dog": 1} and not record.is_draft
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.status = "draft"  # type: ignore[misc]
    assert record.to_json() == core.task_json(task_id)


def test_many_records_take_as_many_queries_as_one(core: Core) -> None:
    one = [full_task(core)]
    many = one + [full_task(core) for _ in range(4)] + [new_task(core, f"plain{i}") for i in range(25)]
    with counted_queries(core) as for_one:
        core.task_records(one)
    with counted_queries(core) as for_many:
        records = core.task_records(many)
    assert len(for_many) == len(for_one) == 7
    assert [r.id for r in records] == many
    assert records[-1].hyperparams == {"Args": {"lr": {"value": "0.1", "type": "float", "description": ""}}}


def test_order_is_kept_and_unknown_ids_are_left_out(sqlite_core: Core) -> None:
    ids = [new_task(sqlite_core, f"t{i}", details=False) for i in range(CHUNK + 3)]  # two chunks
    wanted = [ids[-1], "0" * 16, ids[0], ids[-1], *ids[1:-1]]
    records = sqlite_core.task_records(wanted)
    assert [r.id for r in records] == [ids[-1], ids[0], *ids[1:-1]]


def test_one_record_by_prefix_with_who_did_what_newest_first(sqlite_core: Core) -> None:
    task_id = new_task(sqlite_core, "one")
    sqlite_core.lifecycle.enqueue(task_id, "default")
    record = sqlite_core.task_record(task_id[:8], with_history=True)
    assert record.id == task_id and record.status == "pending"
    assert [event.action for event in record.history][0] == "enqueued"
    assert "enqueued by" in last_said(record.history)
    assert sqlite_core.task_record(task_id).history == ()  # read only where asked
    assert record.to_json() == sqlite_core.task_json(task_id)  # the history is not part of `show --json`'s record


def test_scalars_of_many_tasks_come_in_one_query(core: Core) -> None:
    ids = [new_task(core, f"t{i}") for i in range(3)]
    for offset, task_id in enumerate(ids[:2]):
        core.results.report_scalars(task_id, [ScalarPoint("loss", "train", i, i + offset) for i in range(3)]
                                    + [ScalarPoint("acc", "val", 0, 0.5)])
    with counted_queries(core) as statements:
        found = core.results.scalars_of(ids)
    assert len(statements) == 1
    assert list(found) == ids and found[ids[2]] == []  # a task without scalars is there, empty
    one = core.results.scalars(ids[1])  # what SCALARS reads for one task: the same points in the same order
    assert [row[:4] for row in found[ids[1]]] == [(p.metric, p.series, p.iteration, p.value) for p in one]
    assert [row[4] for row in found[ids[1]]] == pytest.approx([p.time.timestamp() for p in one if p.time], abs=1e-3)
    assert [value for metric, _, _, value, _ in found[ids[1]] if metric == "loss"] == [1.0, 2.0, 3.0]
