"""Clone of a task with 10,000 hyperparameters, through core.tasks.clone (goal < 50 ms). Prints JSON."""

from __future__ import annotations

import argparse

from common import emit, summary, temp_core, time_ms

from tasktune_gui.core.models import Task
from tasktune_gui.core.tasks import TaskQuery

GOAL_MS = 50
SECTIONS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hyperparameters", type=int, default=10_000, help="values in the source task")
    parser.add_argument("--repeat", type=int, default=20, help="timed clones")
    options = parser.parse_args()
    core = temp_core()
    per_section = options.hyperparameters // SECTIONS
    sections = {f"section{s}": {f"name{i}": {"value": str(i), "type": "int", "description": "a value"}
                                for i in range(per_section)} for s in range(SECTIONS)}
    properties = {f"prop{i}": {"value": str(i), "description": ""} for i in range(20)}
    source = core.tasks.add(Task(id="", name="big"), "Bench", hyperparameters=sections, user_properties=properties,
                            configuration={"model": {"value": "x: 1\n" * 500, "type": "yaml", "description": ""}},
                            tags=["a", "b"])
    core.tasks.clone(source)  # warm the connection pool and statement cache
    result = summary(time_ms(lambda: core.tasks.clone(source), repeat=options.repeat), goal_ms=GOAL_MS)
    clone = core.tasks.query(TaskQuery(limit=1))[0]
    copied = len(core.task_json(clone.id)["hyperparams"].get("section0", {})) * SECTIONS
    emit({"benchmark": "clone", "hyperparameters": per_section * SECTIONS, "copied_hyperparameters": copied,
          **result})
    core.close()


if __name__ == "__main__":
    main()
