"""The dashboard's first glance at a SQLite file, read with the standard library alone, says what the core says."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col

from tasktune_gui.core.api import Core
from tasktune_gui.core.demo import seed_demo
from tasktune_gui.core.glance import glance, sqlite_file
from tasktune_gui.core.models import Worker, utcnow
from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.ui.overview.dashboard_page import read_overview
from tests.support.lifecycle import new_task


def test_the_glance_reads_what_the_core_reads(sqlite_core: Core) -> None:
    seed_demo(sqlite_core)
    archived = new_task(sqlite_core, "archived", details=False)
    sqlite_core.lifecycle.archive(archived)
    sqlite_core.tasks.add_tags(new_task(sqlite_core, "tagged", details=False), ["b-tag", "a-tag"])
    sqlite_core.queues.create("remote", ssh_host="lab-gpu", remote_dir="/scratch", gpus="0,1")
    sqlite_core.queues.create("hpc", slurm=SlurmOptions("gpu", time="1:00:00", sbatch={"constraint": "a100"}))
    sqlite_core.lifecycle.enqueue(new_task(sqlite_core, "waiting", details=False), "remote")
    sqlite_core.workers.register("h", 1, ["remote", "default"], worker_id="w1")
    sqlite_core.workers.register("h", 2, ["remote"], worker_id="w2")
    with sqlite_core.store.write() as session:  # a worker gone quiet is not online
        session.execute(update(Worker).where(col(Worker.id) == "w2").values(
            last_heartbeat=utcnow() - timedelta(minutes=5)))

    seen = glance(str(sqlite_core.store.url))

    assert seen == read_overview(sqlite_core)
    assert [q.workers for q in seen.queues if q.name == "remote"] == [1] and seen.workers_online == 1
    assert any(task.name == "waiting" for task in seen.recent_tasks)
    assert all(task.id != archived for task in seen.recent_tasks)


def test_no_glance_where_the_core_must_decide(tmp_path: Path, sqlite_core: Core) -> None:
    url = str(sqlite_core.store.url)
    with sqlite_core.store.write() as session:  # an older schema: the core migrates it first
        session.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert glance(url) is None
    not_ours = tmp_path / "notes.db"
    not_ours.write_text("plain text")
    assert glance(f"sqlite:///{not_ours}") is None
    assert glance(f"sqlite:///{tmp_path / 'missing.db'}") is None  # a first start: the core creates and seeds it
    assert glance("postgresql://lab-db/tasktune") is None
    assert sqlite_file("sqlite:///file.db?mode=ro") is None
    assert not (tmp_path / "missing.db").exists()


def test_the_glance_loads_no_sqlalchemy() -> None:
    probe = ("import sys, tasktune_gui.app, tasktune_gui.core.glance, tasktune_gui.ui.overview.dashboard_page; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert loaded.stdout.strip() == "[]"
