"""The lab's rules on a real PostgreSQL, enforced by the database: through the core, and as raw SQL."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import NotPermitted, RefusedWrite
from tasktune_gui.core.history import events, last_person_event
from tasktune_gui.core.models import Task
from tasktune_gui.core.results import ScalarPoint
from tasktune_gui.execution.worker.watchdog import fail_lost
from tests.support.cli import in_process
from tests.support.git import git
from tests.support.lab import Lab
from tests.support.runs import add_task


def draft(core: Core, name: str = "t") -> str:
    return core.tasks.add(Task(id="", name=name, repository="/src", entry_point="train.py"), "vision")


def raw(lab: Lab, login: str) -> psycopg.Connection:
    """A plain libpq connection as the login, as `psql` would make."""
    url = make_url(lab.url(login))
    return psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=url.username, autocommit=True)


def test_identity_is_the_login_whatever_tasktune_user_says(cores: dict[str, Core],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKTUNE_USER", "alice")
    bob = cores["bob"]
    assert (bob.store.identity.user, bob.store.identity.role) == ("bob", "researcher")
    assert cores["carol"].store.identity.role == "admin"
    assert cores["gpu"].store.identity.role == "worker"
    task_id = draft(bob)
    bob.lifecycle.enqueue(task_id)
    shown = bob.task_json(task_id)
    assert (shown["user"], shown["enqueued_by"]) == ("bob", "bob")


def test_bob_cannot_change_alices_task_but_can_clone_it(cores: dict[str, Core]) -> None:
    alice, bob = cores["alice"], cores["bob"]
    task_id = draft(alice)
    for refused in (lambda: bob.lifecycle.enqueue(task_id), lambda: bob.lifecycle.delete(task_id),
                    lambda: bob.editor.set_hyperparameter(task_id, "Args", "lr", "0.1"),
                    lambda: bob.tasks.rename(task_id, "mine now"), lambda: bob.tasks.add_tags(task_id, ["x"])):
        with pytest.raises(NotPermitted, match="alice's: only alice or a lab admin"):
            refused()
    alice.lifecycle.enqueue(task_id)
    with pytest.raises(NotPermitted):
        bob.lifecycle.abort(task_id)
    clone = bob.tasks.clone(task_id)
    assert bob.task_json(clone)["user"] == "bob"
    bob.editor.set_hyperparameter(clone, "Args", "lr", "0.1")  # his own
    bob.lifecycle.delete(clone)
    assert alice.task_json(task_id)["status"] == "pending"


def test_raw_sql_as_bob_changes_nothing_of_alices(lab_db: Lab, cores: dict[str, Core]) -> None:
    task_id = draft(cores["alice"])
    cores["alice"].editor.set_hyperparameter(task_id, "Args", "lr", "0.01")
    with raw(lab_db, "bob") as conn:
        assert conn.execute("SELECT count(*) FROM task WHERE id = %s", (task_id,)).fetchone() == (1,)  # reads
        assert conn.execute("UPDATE task SET status = 'aborted', name = 'x' WHERE id = %s", (task_id,)).rowcount == 0
        assert conn.execute("UPDATE hyperparameter SET value = '9' WHERE task_id = %s", (task_id,)).rowcount == 0
        assert conn.execute("DELETE FROM task WHERE id = %s", (task_id,)).rowcount == 0
        conn.execute("CREATE TEMP TABLE copied AS SELECT * FROM task WHERE id = %s", (task_id,))
        conn.execute("UPDATE copied SET id = 'feedfeedfeedfeed'")  # still alice's
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a task made in alice's name by bob
            conn.execute("INSERT INTO task SELECT * FROM copied")
        for statement in ("UPDATE task_event SET actor = 'carol'", "DELETE FROM task_event",
                          "INSERT INTO task_event (task_id, time, actor, action, status) "
                          "VALUES ('x', now(), 'carol', 'aborted', 'aborted')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # queues are the admin's
            conn.execute("DELETE FROM queue")
    shown = cores["alice"].task_json(task_id)
    assert (shown["status"], shown["name"]) == ("draft", "t")
    assert shown["hyperparams"]["Args"]["lr"]["value"] == "0.01"


def test_alice_cannot_rewrite_her_own_history(lab_db: Lab, cores: dict[str, Core]) -> None:
    task_id = draft(cores["alice"])
    cores["alice"].lifecycle.enqueue(task_id)
    cores["carol"].lifecycle.abort(task_id)
    with raw(lab_db, "alice") as conn:
        for statement in ("UPDATE task_event SET actor = 'alice'", "DELETE FROM task_event"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        conn.execute("UPDATE task SET name = 'renamed by hand' WHERE id = %s", (task_id,))  # hers: recorded
    with cores["bob"].store.read() as session:
        said = [(e.action, e.actor) for e in events(session, task_id)]
        assert said == [("edited", "alice"), ("aborted", "carol"), ("enqueued", "alice"), ("created", "alice")]
        last = last_person_event(session, task_id)
    assert last is not None and last.describe().startswith("edited by alice at ")


def test_worker_runs_alices_task_and_cannot_delete_it_an_admin_can_abort(
        lab_db: Lab, cores: dict[str, Core], repo: Path, tmp_path: Path) -> None:  # noqa: F811
    alice, carol, gpu = cores["alice"], cores["carol"], cores["gpu"]
    (repo / "hello.py").write_text("print('hello from the lab')\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "hello")
    task_id = add_task(alice, repo, name="alice's run", entry_point="hello.py")
    with pytest.raises(NotPermitted, match="worker login: it cannot create"):
        add_task(gpu, repo)
    with raw(lab_db, "gpu") as conn:  # a pending task's entry is not the worker's to remove: that would dequeue it
        assert conn.execute("DELETE FROM queue_entry WHERE task_id = %s", (task_id,)).rowcount == 0
        assert conn.execute("DELETE FROM queue_entry").rowcount == 0
    assert [entry.task_id for entry in alice.queues.entries("default")] == [task_id]
    done = in_process(lab_db.url("gpu"), "worker", "--cache-dir", str(tmp_path / "cache"), "--once")
    assert done.returncode == 0, done.stderr
    shown = alice.task_json(task_id)
    assert shown["status"] == "completed", (shown["status_reason"], shown["status_message"], done.stderr)
    assert alice.results.console(task_id)  # its console, written by the worker login
    for refused in (lambda: gpu.lifecycle.reset(task_id), lambda: gpu.lifecycle.delete(task_id),
                    lambda: gpu.editor.set_hyperparameter(task_id, "Args", "x", "1")):
        with pytest.raises(NotPermitted, match="worker login"):
            refused()
    with raw(lab_db, "gpu") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM task WHERE id = %s", (task_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE task SET name = 'x' WHERE id = %s", (task_id,))
        assert conn.execute("UPDATE task SET status = 'failed' WHERE id = %s", (task_id,)).rowcount == 0
    second = draft(alice, "second")
    alice.lifecycle.enqueue(second)
    carol.lifecycle.abort(second)
    with alice.store.read() as session:
        started = [e for e in events(session, task_id) if e.action in ("started", "completed")]
        assert {e.actor for e in started} == {"gpu"}
        last = last_person_event(session, second)
    assert last is not None and last.describe().startswith("aborted by carol at ")
    assert alice.task_json(second)["status"] == "aborted"


def test_queues_are_managed_by_admins(cores: dict[str, Core]) -> None:
    with pytest.raises(NotPermitted, match="only a lab admin may create queues"):
        cores["bob"].queues.create("gpu")
    cores["carol"].queues.create("gpu")
    cores["gpu"].queues.ensure("cpu")  # a worker makes the queues it is told to watch
    assert {q.name for q in cores["bob"].queues.summaries()} == {"default", "gpu", "cpu"}


def test_a_worker_login_writes_only_the_runs_it_claimed(lab_db: Lab, cores: dict[str, Core]) -> None:
    alice, gpu, gpu2 = cores["alice"], cores["gpu"], cores["gpu2"]
    first, second = draft(alice, "first"), draft(alice, "second")
    alice.lifecycle.enqueue(first)
    alice.lifecycle.enqueue(second)
    still_draft = draft(alice, "draft")
    # Watchdog timeouts far longer than any stall of a loaded machine: neither worker may look lost here.
    gpu_worker = gpu.workers.register("lab1", 11, ["default"], worker_id="lab1-w", watchdog_timeout=600.0)
    gpu2_worker = gpu2.workers.register("lab2", 22, ["default"], worker_id="lab2-w", watchdog_timeout=600.0)
    assert gpu.queues.pop(["default"], gpu_worker, "lab1", 11) == first  # claimed: the database names gpu
    assert gpu2.queues.pop(["default"], gpu2_worker, "lab2", 22) == second
    gpu.results.append_console(first, [("stdout", "epoch 1")])
    gpu.results.report_scalars(first, [ScalarPoint("loss", "train", 1, 0.5)])
    with raw(lab_db, "gpu2") as conn:
        assert conn.execute("SELECT claimed_by FROM task WHERE id = %s", (first,)).fetchone() == ("gpu",)
        for statement in ("UPDATE task SET status = 'failed' WHERE id = %s",
                          "UPDATE task SET status = 'completed', exit_code = 0 WHERE id = %s",
                          "UPDATE task SET last_iteration = 9, status_message = 'mine' WHERE id = %s",
                          "UPDATE task SET status = 'running' WHERE id = %s",  # a Draft is nobody's run
                          "UPDATE console_line SET text = 'rewritten' WHERE task_id = %s",
                          "DELETE FROM console_line WHERE task_id = %s",
                          "UPDATE scalar SET value = 0 WHERE task_id = %s",
                          "DELETE FROM scalar WHERE task_id = %s"):
            for task_id in (first, still_draft):
                assert conn.execute(statement, (task_id,)).rowcount == 0, statement
        for statement in ("INSERT INTO console_line (task_id, stream, time, text) VALUES (%s, 'stdout', now(), 'x')",
                          "INSERT INTO scalar (task_id, metric, series, iteration, value, time) "
                          "VALUES (%s, 'loss', 'train', 2, 0, now())"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a new row must be of its own runs
                conn.execute(statement, (first,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor can it name itself (or another)
            conn.execute("UPDATE task SET claimed_by = 'gpu2' WHERE id = %s", (first,))
        assert conn.execute("UPDATE task SET last_iteration = 3 WHERE id = %s", (second,)).rowcount == 1  # its own
    with raw(lab_db, "gpu") as conn:  # gpu runs its own to Completed, as raw SQL as much as through the core
        conn.execute("INSERT INTO console_line (task_id, stream, time, text) VALUES (%s, 'stdout', now(), 'done')",
                     (first,))
        assert conn.execute("UPDATE task SET status = 'completed', exit_code = 0, completed = now() "
                            "WHERE id = %s AND status = 'running'", (first,)).rowcount == 1
        assert conn.execute("UPDATE task SET status = 'failed' WHERE id = %s", (first,)).rowcount == 0  # ended
        assert conn.execute("DELETE FROM console_line WHERE task_id = %s", (first,)).rowcount == 0
    shown = alice.task_json(first)
    assert (shown["status"], shown["metrics"]) == ("completed", {"loss/train": 0.5})
    assert [line.text for line in alice.results.console(first)] == ["epoch 1", "done"]
    assert alice.task_json(second)["status"] == "running"


def test_another_worker_login_fails_a_lost_workers_run_only_once_it_is_lost(lab_db: Lab,
                                                                           cores: dict[str, Core]) -> None:
    alice, gpu, gpu2, carol = cores["alice"], cores["gpu"], cores["gpu2"], cores["carol"]
    task_id = draft(alice)
    alice.lifecycle.enqueue(task_id)
    # Timeouts far longer than any stall of a loaded machine between these lines.
    gpu_worker = gpu.workers.register("lab1", 11, ["default"], worker_id="lab1-w", watchdog_timeout=600.0)
    assert gpu.queues.pop(["default"], gpu_worker, "lab1", 11) == task_id
    # Its worker beats: not gpu2's to end, and said as a refusal, not as a status that does not allow it.
    with pytest.raises(RefusedWrite, match=f"^not permitted: gpu2 may not move task {task_id} to Failed: "
                                           "it is alice's, run by gpu$"):
        gpu2.lifecycle.fail(task_id, "worker lost")
    with pytest.raises(RefusedWrite, match="^not permitted: gpu2 may not move task .* to Completed: it is alice's"):
        gpu2.lifecycle.complete(task_id)
    assert fail_lost(gpu2, timeout=600.0) == []
    with raw(lab_db, "gpu2") as conn:  # nor can gpu2 silence gpu's worker to have it judged lost
        assert conn.execute("SELECT login FROM worker WHERE id = %s", (gpu_worker,)).fetchone() == ("gpu",)
        for statement in ("UPDATE worker SET last_heartbeat = now() - interval '1 hour' WHERE id = %s",
                          "DELETE FROM worker_queue WHERE worker_id = %s", "DELETE FROM worker WHERE id = %s"):
            assert conn.execute(statement, (gpu_worker,)).rowcount == 0, statement
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO worker_queue (worker_id, queue_name, priority) VALUES (%s, 'q', 9)",
                         (gpu_worker,))
    assert fail_lost(gpu2, timeout=600.0) == []
    with carol.store.write() as session:  # gpu's machine went silent an hour ago
        session.execute(text("UPDATE worker SET last_heartbeat = now() - interval '1 hour' WHERE id = :w"),
                        {"w": gpu_worker})
    assert fail_lost(gpu2, timeout=600.0) == [task_id]
    shown = alice.task_json(task_id)
    assert (shown["status"], shown["status_reason"]) == ("failed", "worker lost")
    alice.lifecycle.retry(task_id)  # waiting again: the lost run is no claim on it now, for gpu or a watchdog
    for login in ("gpu", "gpu2"):
        with raw(lab_db, login) as conn:
            assert conn.execute("SELECT claimed_by, worker FROM task WHERE id = %s", (task_id,)).fetchone() == (
                None, None)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE task SET status = 'failed' WHERE id = %s", (task_id,))
    assert alice.task_json(task_id)["status"] == "pending"
