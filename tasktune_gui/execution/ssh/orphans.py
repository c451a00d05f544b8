"""Runs a lost worker left going on SSH hosts: found by the workers that serve those hosts' queues, and ended."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.core.status import Status
from tasktune_gui.execution.bindings import Binding, SshOptions, queue_bindings
from tasktune_gui.execution.errors import StepFailed
from tasktune_gui.execution.ssh.config import resolve
from tasktune_gui.execution.ssh.launch import DROPPED, Session

log = logging.getLogger(__name__)


def _running(core: Core, task_ids: list[str]) -> set[str]:
    with core.store.read() as session:
        rows = session.exec(select(Task.id).where(col(Task.id).in_(task_ids), col(Task.status) == Status.RUNNING))
        return set(rows.all())


async def _end_lost_runs(core: Core, binding: Binding, options: SshOptions, grace: float) -> list[str]:
    """On one host: the runs that have not ended whose task is not Running (its worker was lost), ended."""
    session = Session(resolve(binding.host, options), options)
    try:
        connection = await session.open()
        async with connection.start_sftp_client() as sftp:
            await session.install_agent(sftp, binding.base)
        live = (await session.request({"action": "runs", "base": binding.base}))["tasks"]
        # Read after the listing: a run prepared meanwhile is of a task that was Running before it was listed.
        running = _running(core, live) if live else set()
        lost = [task_id for task_id in live if task_id not in running]
        for task_id in lost:
            await session.request({"action": "reap", "run": f"{binding.base}/runs/{task_id}", "grace": grace})
            log.warning("task %s: its run on %s had no worker left; ended", task_id, binding.host)
        return lost
    finally:
        session.drop()


def end_lost_runs(core: Core, queues: list[str], options: SshOptions, grace: float) -> list[str]:
    """On the SSH hosts of these queues, end the runs no worker follows any more; the ids of their tasks."""
    ended: list[str] = []
    for binding in queue_bindings(core, queues):
        try:
            ended += asyncio.run(_end_lost_runs(core, binding, options, grace))
        except (StepFailed, *DROPPED) as exc:
            log.warning("could not look for lost runs on %s: %s", binding.host, exc)
    return ended
