"""Download of a bucket URI (s3://, gs://, azure://) into the user's Downloads folder, on a thread."""

from __future__ import annotations

import threading
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, Signal

from tasktune_gui.ui.common import gui_thread


def is_remote(uri: str) -> bool:
    """A bucket URI (not a folder or file://), which Download applies to."""
    uri = uri.strip()
    return "://" in uri and not uri.startswith("file://")


def downloads_folder() -> Path:
    return Path(platformdirs.user_downloads_dir())


class Downloader(QObject):
    """Fetches on a thread and tells the GUI thread where the file went, or why it did not."""

    finished = Signal(str, str, str)  # uri, local path ("" on failure), the failure's reason

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gui_thread.prepare()

    def download(self, uri: str) -> None:
        def work() -> None:
            from tasktune_gui.execution.stores.buckets import StoreError
            from tasktune_gui.execution.stores.outputs import download  # fsspec only when asked

            try:
                path, reason = str(download(uri, downloads_folder())), ""
            except (StoreError, OSError) as exc:
                path, reason = "", getattr(exc, "reason", str(exc))
            gui_thread.call_on_gui(self, self.finished.emit, uri, path, reason)

        threading.Thread(target=work, name="download", daemon=True).start()
