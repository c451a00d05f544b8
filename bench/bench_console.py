"""Console ingestion: lines per second from a child printing as fast as it can to rows in the database (JSON)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import ConsoleLine, Task
from tasktune_gui.execution.local.runner import Command, ProcessRun

LINES = 500_000


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else LINES
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-"))
    core = Core.open(f"sqlite:///{folder / 'bench.db'}")
    task_id = core.tasks.add(Task(id="", name="console bench"), "bench")
    script = f"import sys\nw = sys.stdout.write\nfor i in range({lines}): w(f'step {{i}} loss 0.123456\\n')\n"
    started = time.perf_counter()
    run = ProcessRun(Command([sys.executable, "-c", script], folder, {"PATH": "/usr/bin:/bin"}),
                     lambda batch: core.results.append_console(task_id, batch))
    outcome = run.wait()
    elapsed = time.perf_counter() - started
    with core.store.read() as session:
        stored = session.exec(select(func.count()).select_from(ConsoleLine)).one()
    core.close()
    print(json.dumps({
        "benchmark": "console_ingestion",
        "lines": lines,
        "stored": stored,
        "exit_code": outcome.exit_code,
        "seconds": round(elapsed, 3),
        "lines_per_second": round(stored / elapsed),
        "goal_lines_per_second": 100_000,
    }))


if __name__ == "__main__":
    main()
