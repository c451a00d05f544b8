"""A run's folder removed after its end on one thread of the process, so the slot's next task need not wait."""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
from pathlib import Path

from tasktune_gui.execution.run.process_thread import ProcessThread

SUFFIX = ".removing"
EXIT_WAIT_S = 5.0  # at the process's exit, how long the removals under way may still take


class FolderRemover(ProcessThread):
    """`remove(folder)` moves the folder aside at once and deletes it on the remover's thread. Started with the
    first removal, the thread lives as long as the process, asleep while nothing is to be removed."""

    def __init__(self) -> None:
        super().__init__("run-folder-remover")
        self._waiting: list[Path] = []
        self._busy = False
        atexit.register(self.wait_idle, EXIT_WAIT_S)

    def remove(self, folder: Path) -> None:
        # A new name first: the same task run again at once gets a fresh folder, never one half removed.
        aside = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}{SUFFIX}")
        try:
            os.rename(folder, aside)
        except FileNotFoundError:
            return
        except OSError:  # cannot be renamed (another file system under it?): removed here and now
            shutil.rmtree(folder, ignore_errors=True)
            return
        self._queue([aside])

    def sweep(self, runs_dir: Path) -> None:
        """Folders a process that ended (or was killed) before removing them left aside."""
        try:
            left = [entry for entry in runs_dir.iterdir() if entry.name.endswith(SUFFIX)]
        except OSError:  # no runs yet
            return
        if left:
            self._queue(left)

    def _queue(self, folders: list[Path]) -> None:
        with self._cond:
            self._waiting.extend(folders)
            self._wake()

    def wait_idle(self, timeout: float) -> bool:
        """Whether every folder given so far is gone within `timeout` seconds."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._waiting and not self._busy, timeout)

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                self._cond.wait_for(lambda: bool(self._waiting))
                folder = self._waiting.pop(0)
                self._busy = True
            delete(folder)


def delete(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


REMOVER = FolderRemover()
