"""The ARTIFACTS tab's outputs: output models and artifacts with URI, size and hash; copy the URI, open the folder,
download one kept in a bucket."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.records import TaskRecord
from tasktune_gui.ui.common.downloads import Downloader, is_remote
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.sizes import human_size

KIND, NAME, SIZE, HASH, URI = range(5)


def local_folder(uri: str) -> Path | None:
    """The folder holding a local output (a path or file:// URI); None for a bucket."""
    if uri.startswith("/"):
        return Path(uri).parent
    parts = urlsplit(uri)
    return Path(parts.path).parent if parts.scheme == "file" else None


class OutputsView(QWidget):
    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("outputsView")
        self.core = core
        self.tree = named(QTreeWidget(), "outputsTree")
        self.tree.setHeaderLabels(["KIND", "NAME", "SIZE", "HASH", "URI"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSortingEnabled(True)
        self.copy_button = named(QPushButton("Copy URI"), "outputsCopyUri")
        self.open_button = named(QPushButton("Open folder"), "outputsOpenFolder")
        self.download_button = named(QPushButton("Download"), "outputsDownload")
        self.download_button.setToolTip("Copy the selected file from its bucket into your Downloads folder")
        self.download_status = named(QLabel(), "outputsDownloadStatus")
        self.downloader = Downloader(self)
        self.downloader.finished.connect(self._on_downloader_finished)
        self.copy_button.clicked.connect(self.copy_uri)
        self.open_button.clicked.connect(self.open_folder)
        self.download_button.clicked.connect(self._on_download_clicked)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_folder())
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.download_status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self._update_buttons()

    def show_record(self, record: TaskRecord) -> None:
        self.tree.clear()
        for model_id in record.output_models:
            try:
                model = self.core.models.get(model_id)
            except TaskTuneError:
                continue
            item = QTreeWidgetItem(self.tree, ["model", model.name, human_size(model.size), model.hash[:16],
                                               model.uri])
            item.setToolTip(HASH, model.hash)
        for artifact in self.core.results.artifacts(record.id):
            item = QTreeWidgetItem(self.tree, ["artifact", artifact.name, human_size(artifact.size),
                                               artifact.hash[:16], artifact.uri])
            item.setToolTip(HASH, artifact.hash)
        for column in (KIND, NAME, SIZE, HASH):
            self.tree.resizeColumnToContents(column)
        self._update_buttons()

    def _current_uri(self) -> str:
        item = self.tree.currentItem()
        return item.text(URI) if item is not None else ""

    def _update_buttons(self) -> None:
        uri = self._current_uri()
        self.copy_button.setEnabled(bool(uri))
        self.open_button.setEnabled(local_folder(uri) is not None if uri else False)
        self.download_button.setEnabled(is_remote(uri))

    def copy_uri(self) -> None:
        QGuiApplication.clipboard().setText(self._current_uri())

    def _on_download_clicked(self) -> None:
        uri = self._current_uri()
        self.download_button.setEnabled(False)
        self.download_status.setText(f"Downloading {uri.rsplit('/', 1)[-1]}…")
        self.downloader.download(uri)

    def _on_downloader_finished(self, uri: str, path: str, reason: str) -> None:
        self._update_buttons()
        self.download_status.setText(f"Downloaded to {path}" if path else f"Download failed: {reason}")

    def open_folder(self) -> bool:
        folder = local_folder(self._current_uri())
        return folder is not None and QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
