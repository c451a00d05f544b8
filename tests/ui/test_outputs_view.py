"""ARTIFACTS lists outputs with URI, size and hash, copies the URI and opens the folder; INFO shows the run."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tasktune_gui.core.models import Artifact, Task
from tasktune_gui.execution.stores.buckets import location_for
from tasktune_gui.execution.stores.outputs import publish
from tasktune_gui.ui.common.downloads import downloads_folder
from tasktune_gui.ui.common.sizes import human_size
from tasktune_gui.ui.task.artifacts_view import HASH, KIND, NAME, SIZE, URI
from tasktune_gui.ui.window.main_window import MainWindow


class OpenedUrls(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_outputs_listed_copied_and_opened(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    core = window.core
    task_id = core.tasks.add(Task(id="", name="trainer", repository="/r", entry_point="t.py"), "Outputs",
                             queue="default")
    while core.queues.pop(["default"], worker="w", host="gpu-box", pid=4242) not in (task_id, None):
        pass
    weights = tmp_path / "out" / "weights.pt"
    weights.parent.mkdir()
    weights.write_bytes(b"w" * 2048)
    core.results.add_artifact(task_id, Artifact(task_id=task_id, name="weights", uri=str(weights), size=2048,
                                                hash="ab" * 32, type="file"))
    core.models.create("resnet-final", project="Outputs", uri="s3://minio:9000/models/final.pt", task_id=task_id)
    core.lifecycle.complete(task_id, exit_code=0)
    window.open_task(task_id)
    view = window.task_page.artifacts.outputs
    items = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    rows = {item.text(NAME): item for item in items}
    assert rows["weights"].text(KIND) == "artifact"
    assert (rows["weights"].text(SIZE), rows["weights"].text(HASH)) == ("2.0 KB", "ab" * 8)
    assert rows["resnet-final"].text(URI) == "s3://minio:9000/models/final.pt"

    view.tree.setCurrentItem(rows["resnet-final"])
    assert view.copy_button.isEnabled() and not view.open_button.isEnabled()  # a bucket has no local folder
    view.copy_button.click()
    assert QApplication.clipboard().text() == "s3://minio:9000/models/final.pt"

    opened = OpenedUrls()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        view.tree.setCurrentItem(rows["weights"])
        view.open_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in opened.urls] == [str(weights.parent)]

    info = window.task_page.info.text()
    assert "Host: gpu-box" in info and "PID: 4242" in info and "Exit code: 0" in info
    assert "Duration: 0:00:0" in info


def test_human_sizes() -> None:
    assert [human_size(n) for n in (None, 12, 2048, 5 * 1024**3)] == ["", "12 B", "2.0 KB", "5.0 GB"]


def test_outputs_and_models_in_a_bucket_download(s3_bucket: str, window: MainWindow, qtbot: QtBot,
                                                 tmp_path: Path) -> None:
    core = window.core
    weights = tmp_path / "final.pt"
    weights.write_bytes(b"weights in a bucket")
    uri = publish(weights, s3_bucket, "t1", "models")
    task_id = core.tasks.add(Task(id="", name="trainer", repository="/r", entry_point="t.py"), "Outputs")
    model_id = core.models.create("final", project="Outputs", uri=uri, task_id=task_id, size=19,
                                  hash=hashlib.sha256(b"weights in a bucket").hexdigest())
    window.open_task(task_id)
    view = window.task_page.artifacts.outputs
    row = view.tree.topLevelItem(0)
    assert (row.text(URI), row.text(SIZE)) == (uri, "19 B")
    assert not view.download_button.isEnabled()
    view.tree.setCurrentItem(row)
    qtbot.mouseClick(view.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.download_status.text().startswith("Downloaded to"), timeout=20_000)
    first = Path(view.download_status.text().removeprefix("Downloaded to "))
    assert first == downloads_folder() / "final.pt" and first.read_bytes() == b"weights in a bucket"

    window.open_model(model_id)
    general = window.models_page.model_page.general
    qtbot.waitUntil(lambda: general.uri.text() == uri)
    assert general.size_hash.text().startswith("19 B, ")
    qtbot.mouseClick(general.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: general.download_status.text().startswith("Downloaded to"), timeout=20_000)
    assert general.download_status.text().endswith("final (1).pt")  # beside the first, not over it
    location_for(uri).filesystem().rm_file(location_for(uri).path)
    qtbot.mouseClick(general.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: general.download_status.text().startswith("Download failed"), timeout=20_000)
