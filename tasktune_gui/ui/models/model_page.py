"""The model page: GENERAL, NETWORK (design text: edit, clear, find, copy) and LABELS tabs; edits go to the core."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Model
from tasktune_gui.ui.common.downloads import Downloader, is_remote
from tasktune_gui.ui.common.layouts import in_row
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.section import EditCycle
from tasktune_gui.ui.common.sizes import human_size
from tasktune_gui.ui.common.table_rows import one_line_rows


class ModelSection(QWidget, EditCycle[Model]):
    """A tab of the model page: its fields from the model, saved through the core."""

    def __init__(self, core: Core, name: str) -> None:
        super().__init__()
        self.core = core
        self.buttons = self.init_editing(name).row

    @property
    def model_id(self) -> str | None:
        return self.key

    def show_model(self, model: Model) -> None:
        self.show_record(model)

    def key_of(self, record: Model) -> str:
        return record.id

    def read(self, key: str) -> Model:
        return self.core.models.get(key)


class GeneralTab(ModelSection):
    task_requested = Signal(str)

    def __init__(self, core: Core) -> None:
        super().__init__(core, "general")
        self.name = named(QLineEdit(), "modelName")
        self.framework = named(QLineEdit(), "modelFramework")
        self.uri = named(QLineEdit(), "modelUri")
        self.download_button = named(QPushButton("Download"), "modelDownload")
        self.download_button.setToolTip("Copy the model from its bucket into your Downloads folder")
        self.download_button.clicked.connect(self._on_download_clicked)
        self.download_status = named(QLabel(), "modelDownloadStatus")
        self.downloader = Downloader(self)
        self.downloader.finished.connect(self._on_downloader_finished)
        uri_holder = in_row(self.uri, self.download_button, self.download_status)
        self.size_hash = named(QLabel(), "modelSizeHash")
        self.size_hash.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.project = named(QLabel(), "modelProject")
        self.task_link = named(QLabel(), "modelTask")
        self.task_link.linkActivated.connect(self.task_requested.emit)
        self.created = named(QLabel(), "modelCreated")
        form = QFormLayout(self)
        for label, widget in (("Name", self.name), ("Framework", self.framework), ("URI", uri_holder),
                              ("Size, SHA-256", self.size_hash),
                              ("Project", self.project), ("Created by task", self.task_link),
                              ("Created", self.created)):
            form.addRow(label, widget)
        form.addRow(self.buttons)

    def fill(self, model: Model) -> None:
        self.name.setText(model.name)
        self.framework.setText(model.framework)
        self.uri.setText(model.uri)
        self.download_button.setEnabled(is_remote(model.uri))
        self.download_status.clear()
        self.size_hash.setText(f"{human_size(model.size)}, {model.hash}" if model.hash else "not recorded")
        self.project.setText(self.core.models.project_of(model.id) or "none")
        self.task_link.setText(f'<a href="{model.task_id}">{model.task_id}</a>' if model.task_id else "none")
        self.created.setText(model.created.astimezone().strftime("%Y-%m-%d %H:%M"))

    def _on_download_clicked(self) -> None:
        self.download_button.setEnabled(False)
        self.download_status.setText("Downloading…")
        self.downloader.download(self.uri.text().strip())

    def _on_downloader_finished(self, uri: str, path: str, reason: str) -> None:
        self.download_button.setEnabled(is_remote(self.uri.text()))
        self.download_status.setText(f"Downloaded to {path}" if path else f"Download failed: {reason}")

    def set_fields_editable(self, editing: bool) -> None:
        for line in (self.name, self.framework, self.uri):
            line.setReadOnly(not editing)

    def apply(self, model_id: str) -> None:
        self.core.models.update(model_id, name=self.name.text(), framework=self.framework.text(),
                                uri=self.uri.text())


class NetworkTab(ModelSection):
    """The model's configuration text; find (Ctrl+F, wraps around) and copy work while reading too."""

    def __init__(self, core: Core) -> None:
        super().__init__(core, "network")
        self.text = named(QPlainTextEdit(), "modelDesign")
        self.find_box = named(QLineEdit(), "networkFind")
        self.find_box.setPlaceholderText("Find (Ctrl+F)")
        self.find_box.returnPressed.connect(self.find_next)
        self.clear_button = named(QPushButton("Clear"), "networkClear")
        self.clear_button.clicked.connect(self.text.clear)
        copy = named(QPushButton("Copy"), "networkCopy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        QShortcut(QKeySequence.StandardKey.Find, self, self.find_box.setFocus)
        tools = QHBoxLayout()
        tools.addWidget(self.find_box, 1)
        tools.addWidget(copy)
        tools.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.text, 1)
        layout.addLayout(self.buttons)

    def fill(self, model: Model) -> None:
        self.text.setPlainText(model.design)

    def set_fields_editable(self, editing: bool) -> None:
        self.text.setReadOnly(not editing)
        self.clear_button.setEnabled(editing)

    def apply(self, model_id: str) -> None:
        self.core.models.update(model_id, design=self.text.toPlainText())

    def find_next(self) -> bool:
        needle = self.find_box.text()
        if not needle:
            return False
        if self.text.find(needle):
            return True
        cursor = self.text.textCursor()  # wrap around to the top
        cursor.movePosition(cursor.MoveOperation.Start)
        self.text.setTextCursor(cursor)
        return self.text.find(needle, QTextDocument.FindFlag(0))


class LabelsTab(ModelSection):
    """Label → id rows: add, change and delete while editing; the core checks names and ids on Save."""

    def __init__(self, core: Core) -> None:
        super().__init__(core, "labels")
        self.table = named(QTableWidget(0, 2), "labelTable")
        self.table.setHorizontalHeaderLabels(["LABEL", "ID"])
        one_line_rows(self.table)
        self.add_button = named(QPushButton("Add"), "labelsAdd")
        self.delete_button = named(QPushButton("Delete"), "labelsDelete")
        self.add_button.clicked.connect(self._on_add)
        self.delete_button.clicked.connect(self._on_delete)
        tools = QHBoxLayout()
        tools.addWidget(self.add_button)
        tools.addWidget(self.delete_button)
        tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        self._editing = False

    def fill(self, model: Model) -> None:
        self.table.setRowCount(0)
        for name, number in model.labels.items():
            self._append(name, str(number))

    def _append(self, name: str, number: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(number))

    def set_fields_editable(self, editing: bool) -> None:
        self._editing = editing
        triggers = QTableWidget.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
                                   if editing else triggers.NoEditTriggers)
        self.add_button.setEnabled(editing)
        self.delete_button.setEnabled(editing)

    def _on_add(self) -> None:
        self._append("", "")
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)

    def _on_delete(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def pairs(self) -> list[tuple[str, str]]:
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(row, 0), text(row, 1)) for row in range(self.table.rowCount())]

    def apply(self, model_id: str) -> None:
        self.core.models.set_labels(model_id, list(self.pairs()))


class ModelPage(QWidget):
    task_requested = Signal(str)

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("modelPage")
        self.core = core
        self.model_id: str | None = None
        self.title = named(QLabel(), "modelTitle")
        self.general = GeneralTab(core)
        self.network = NetworkTab(core)
        self.labels = LabelsTab(core)
        self.general.task_requested.connect(self.task_requested.emit)
        self.tabs = named(QTabWidget(), "modelTabs")
        for title, tab in (("GENERAL", self.general), ("NETWORK", self.network), ("LABELS", self.labels)):
            self.tabs.addTab(tab, title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)

    def show_model(self, model_id: str) -> None:
        self.model_id = model_id
        model = self.core.models.get(model_id)
        self.title.setText(f"<b>{model.name}</b>  {model.id}")
        for tab in (self.general, self.network, self.labels):
            tab.show_model(model)

    def on_model_changed(self) -> None:
        """Another window or process changed it: redraw the tabs not being edited."""
        if self.model_id is None:
            return
        model = self.core.models.get(self.model_id)
        self.title.setText(f"<b>{model.name}</b>  {model.id}")
        for tab in (self.general, self.network, self.labels):
            if not tab.editing:
                tab.show_model(model)
