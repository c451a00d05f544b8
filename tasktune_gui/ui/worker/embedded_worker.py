"""The worker that lives in the window: started and stopped with it, switched from the Worker menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasktune_gui.core.api import Core
from tasktune_gui.core.settings import Settings

if TYPE_CHECKING:
    from tasktune_gui.execution.docker.config import DockerConfig
    from tasktune_gui.execution.worker.worker import Worker


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
        text = f"Worker: on {queues} ({self.settings.embedded_worker_slots} slot(s))"
        if self.settings.embedded_worker_docker:
            text += f" in Docker ({self.settings.embedded_worker_docker_image or 'task images'})"
        return text

    def start(self) -> None:
        # The execution engine is imported on first start, not with the window: it is a tenth of the start-up.
        from tasktune_gui.execution.worker.worker import Worker, WorkerConfig

        if self.worker is not None:
            return
        for queue in self.settings.embedded_worker_queues:
            self.core.queues.ensure(queue)
        config = WorkerConfig(queues=list(self.settings.embedded_worker_queues),
                              slots=self.settings.embedded_worker_slots, docker=self.docker_config())
        self.worker = Worker(self.core, config)
        self.worker.start()

    def docker_config(self) -> DockerConfig | None:
        from tasktune_gui.execution.docker.config import DockerConfig

        if not self.settings.embedded_worker_docker:
            return None
        return DockerConfig(default_image=self.settings.embedded_worker_docker_image.strip(),
                            args=self.settings.embedded_worker_docker_args)

    def restart(self) -> None:
        """Apply changed settings: a running worker is stopped (aborting what it runs) and started anew."""
        if self.worker is not None:
            self.stop()
            self.start()

    def stop(self) -> None:
        """Closing the window aborts what its worker runs: a task is never left Running without a worker."""
        if self.worker is not None:
            from tasktune_gui.execution.worker.worker import STOP_ABORT

            self.worker.stop(STOP_ABORT)
            self.worker = None
