"""The worker that lives in the window: started and stopped with it, switched from the Worker menu."""

from __future__ import annotations

from tasktune_gui.core.api import Core
from tasktune_gui.core.settings import Settings
from tasktune_gui.execution.worker import STOP_ABORT, Worker, WorkerConfig


class EmbeddedWorker:
    """Owns at most one running Worker over the window's Core."""

    def __init__(self, core: Core, settings: Settings) -> None:
        self.core = core
        self.settings = settings
        self.worker: Worker | None = None

    @property
    def running(self) -> bool:
        return self.worker is not None

    def describe(self) -> str:
        if self.worker is None:
            return "Worker: off"
        queues = ", ".join(self.settings.embedded_worker_queues)
        return f"Worker: on {queues} ({self.settings.embedded_worker_slots} slot(s))"

    def start(self) -> None:
        if self.worker is not None:
            return
        for queue in self.settings.embedded_worker_queues:
            self.core.queues.ensure(queue)
        config = WorkerConfig(queues=list(self.settings.embedded_worker_queues),
                              slots=self.settings.embedded_worker_slots)
        self.worker = Worker(self.core, config)
        self.worker.start()

    def stop(self) -> None:
        """Closing the window aborts what its worker runs: a task is never left Running without a worker."""
        if self.worker is not None:
            self.worker.stop(STOP_ABORT)
            self.worker = None
