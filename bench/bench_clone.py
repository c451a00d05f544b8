"""Clone of a task with 10,000 hyperparameters (goal < 50 ms). Prints JSON."""

from __future__ import annotations

from common import emit, summary, temp_core, time_ms

from tasktune_gui.core.models import Task

HYPERPARAMETERS = 10_000


def main() -> None:
    core = temp_core()
    sections = {f"section{s}": {f"name{i}": {"value": str(i), "type": "int", "description": "a value"}
                                for i in range(HYPERPARAMETERS // 10)} for s in range(10)}
    source = core.tasks.add(Task(id="", name="big"), "Bench", hyperparameters=sections)
    core.tasks.clone(source)  # warm the connection pool and statement cache
    result = summary(time_ms(lambda: core.tasks.clone(source), repeat=20), goal_ms=50)
    emit({"benchmark": "clone", "hyperparameters": HYPERPARAMETERS, **result})
    core.close()


if __name__ == "__main__":
    main()
