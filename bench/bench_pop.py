"""Pop from a queue of 100,000 entries (goal < 5 ms per pop). Prints JSON."""

from __future__ import annotations

import argparse

from common import emit, summary, temp_core, time_ms
from sqlalchemy import insert

from tasktune_gui.core.ids import new_id
from tasktune_gui.core.lookup import get_queue
from tasktune_gui.core.models import Project, QueueEntry, Task, utcnow


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--pops", type=int, default=200)
    options = parser.parse_args()
    core = temp_core()
    now = utcnow()
    ids = [new_id() for _ in range(options.entries)]
    with core.store.write() as session:
        project = Project(name="Bench")
        session.add(project)
        session.flush()
        session.execute(insert(Task), [{"id": i, "name": "t", "project_id": project.id, "status": "pending",
                                        "created": now, "last_update": now, "labels": {}} for i in ids])
        queue_id = get_queue(session, "default").id
        session.execute(insert(QueueEntry), [{"queue_id": queue_id, "task_id": i, "position": n, "enqueued": now}
                                             for n, i in enumerate(ids)])
    result = summary(time_ms(lambda: core.queues.pop(["default"], worker="bench"), repeat=options.pops), goal_ms=5)
    emit({"benchmark": "pop", "queue_entries": options.entries, **result})
    core.close()


if __name__ == "__main__":
    main()
