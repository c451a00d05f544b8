"""A lab's schema upgrade: refused to a researcher in one line, made by the owner with the rules extended."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import DatabaseRefused, InvalidTransition
from tasktune_gui.core.migrate import HEAD, alembic_config
from tasktune_gui.core.models import Task
from tasktune_gui.core.store import Store
from tests.lab.test_permissions import raw
from tests.support.lab import Lab


def test_only_the_owner_upgrades_and_the_new_tables_follow_the_rules(lab_db: Lab) -> None:
    owner = Core.open(lab_db.owner_url)
    with owner.store.write_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0009")  # as a database of the previous release
    owner.close()
    with pytest.raises(DatabaseRefused, match=f"upgraded from 0009 to {HEAD}, which only its owner may do"):
        Store(lab_db.url("bob"))
    Core.open(lab_db.owner_url).close()  # the owner's open upgrades it
    bob = lab_db.open("bob")
    try:
        task_id = bob.tasks.add(Task(id="", name="t", repository="/src", entry_point="t.py"), "vision")
        history = bob.task_json(task_id, with_history=True)["history"]  # task_event: readable by bob
        assert [event["action"] for event in history] == ["created"]
    finally:
        bob.close()


def test_a_run_going_through_the_upgrade_stays_its_workers(lab_db: Lab, cores: dict[str, Core]) -> None:
    alice, gpu = cores["alice"], cores["gpu"]
    task_id = alice.tasks.add(Task(id="", name="t", repository="/src", entry_point="t.py"), "vision", queue="default")
    worker_id = gpu.workers.register("lab1", 11, ["default"])
    assert gpu.queues.pop(["default"], worker_id, "lab1", 11) == task_id
    owner = Core.open(lab_db.owner_url)
    with owner.store.write_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0010")  # from before the claim was recorded
    owner.close()
    Core.open(lab_db.owner_url).close()  # the upgrade names gpu from the run's history
    gpu.workers.heartbeat(worker_id)  # its worker's row, from before logins were kept, is the first writer's
    assert [w.login for w in gpu.workers.online(datetime.min.replace(tzinfo=UTC)) if w.id == worker_id] == ["gpu"]
    with pytest.raises(InvalidTransition):
        cores["gpu2"].lifecycle.complete(task_id)
    gpu.lifecycle.complete(task_id)
    assert alice.task_json(task_id)["status"] == "completed"


def test_the_upgrade_to_0014_takes_the_queue_entries_of_others_from_a_worker(lab_db: Lab,
                                                                              cores: dict[str, Core]) -> None:
    alice = cores["alice"]
    first, second = (alice.tasks.add(Task(id="", name=name, repository="/src", entry_point="t.py"), "vision",
                                     queue="default") for name in ("first", "second"))
    owner = Core.open(lab_db.owner_url)
    with owner.store.write_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0012")  # the release before: any worker dequeued anybody's
    owner.close()
    with raw(lab_db, "gpu") as conn:
        assert conn.execute("DELETE FROM queue_entry WHERE task_id = %s", (first,)).rowcount == 1
    Core.open(lab_db.owner_url).close()
    with raw(lab_db, "gpu") as conn:
        assert conn.execute("DELETE FROM queue_entry WHERE task_id = %s", (second,)).rowcount == 0
    assert [entry.task_id for entry in alice.queues.entries("default")] == [second]
