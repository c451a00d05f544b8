"""A script run by hand (no worker): `sdk.init` records it as a task in the local database and reports there."""

from __future__ import annotations

import atexit
import os
import socket
import sys
from pathlib import Path
from typing import Any


class PlainRun:
    """The task a plain run created, with the core to report to; finished when the interpreter exits."""

    def __init__(self, project: str, name: str) -> None:
        # Imported here: under a worker the SDK must work with the standard library alone.
        from tasktune_gui.core.api import Core
        from tasktune_gui.core.capture import args_section, capture
        from tasktune_gui.core.models import Task

        self.core = Core.open()
        script = Path(sys.argv[0]).resolve()
        found = capture(str(script), cwd=script.parent, args=sys.argv[1:])
        task = Task(id="", name=name, repository=found.repository, branch=found.branch, commit=found.commit,
                    entry_point=found.entry_point, working_dir=found.working_dir, diff=found.diff,
                    requirements=found.requirements, original_requirements=found.requirements)
        self.task_id = self.core.tasks.add(task, project, hyperparameters={"Args": args_section(found.args)})
        self.core.lifecycle.run_direct(self.task_id, host=socket.gethostname(), pid=os.getpid())
        self._failed = False
        previous = sys.excepthook

        def on_uncaught(kind: type[BaseException], error: BaseException, trace: Any) -> None:
            self._failed = True
            self.core.lifecycle.fail(self.task_id, f"uncaught {kind.__name__}", str(error), exit_code=1)
            previous(kind, error, trace)

        sys.excepthook = on_uncaught
        atexit.register(self.finish)

    def handle(self, event: dict[str, Any]) -> None:
        from tasktune_gui.core.results import ScalarPoint

        if event["kind"] == "scalar":
            self.core.results.report_scalars(self.task_id, [ScalarPoint(
                event["title"], event["series"], event["iteration"], event["value"])])
        elif event["kind"] == "text":
            self.core.results.append_console(self.task_id, [("stdout", event["text"])])
        else:
            from tasktune_gui.execution.sdk_channel import store_event

            store_event(self.core, self.task_id, event)

    def finish(self) -> None:
        if not self._failed and self.core.tasks.get(self.task_id).status == "running":
            self.core.lifecycle.complete(self.task_id)
        self.core.close()
