"""The task table's header menu: show or hide columns, add a hyperparameter or last-metric column, remove it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QMenu, QTableView, QWidget

from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.overview import ExtraColumn
from tasktune_gui.ui.common.dialogs import accept_cancel, fit_dialog
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.tasks.task_table_model import TaskTableModel

KINDS = {"param": ("Hyperparameter", "Args/lr"), "metric": ("Last metric value", "loss/train")}


class AddColumnDialog(QDialog):
    """SECTION/NAME (or METRIC/SERIES); a malformed one is shown inline and the dialog stays open."""

    def __init__(self, kind: str, model: TaskTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addColumnDialog")
        title, example = KINDS[kind]
        self.setWindowTitle(f"Add a {title.lower()} column")
        fit_dialog(self)
        self.kind = kind
        self.model = model
        self.text = named(QLineEdit(), "columnName")
        self.text.setPlaceholderText(example)
        self.error = named(QLabel(), "columnError")
        self.error.setStyleSheet("color: #dc322f")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons, self.add_button = accept_cancel(self, "ADD", "addColumnButton")
        buttons.accepted.disconnect()
        buttons.accepted.connect(self._on_add)
        form = QFormLayout(self)
        form.addRow("SECTION/NAME" if kind == "param" else "METRIC/SERIES", self.text)
        form.addRow(self.error)
        form.addRow(buttons)

    def _on_add(self) -> None:
        try:
            column = ExtraColumn.parse(self.kind, self.text.text())
        except TaskTuneError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.model.add_extra_column(column)
        self.accept()


class ColumnChooser:
    """Builds the header's right-click menu for a table over a TaskTableModel."""

    def __init__(self, table: QTableView, model: TaskTableModel) -> None:
        self.table = table
        self.model = model
        self.last_dialog: AddColumnDialog | None = None

    def build_menu(self, section: int) -> QMenu:
        header = self.table.horizontalHeader()
        menu = QMenu(self.table)
        menu.setObjectName("headerMenu")
        visible = [s for s in range(self.model.columnCount()) if not header.isSectionHidden(s)]
        for logical in (header.logicalIndex(v) for v in range(header.count())):
            title = str(self.model.headerData(logical, header.orientation()))
            entry = menu.addAction(title)
            entry.setObjectName(f"column_{title}")
            entry.setCheckable(True)
            entry.setChecked(not header.isSectionHidden(logical))
            entry.setEnabled(visible != [logical])  # the last visible column stays
            entry.toggled.connect(lambda on, s=logical: header.setSectionHidden(s, not on))
        menu.addSeparator()
        for kind, (title, _example) in KINDS.items():
            entry = menu.addAction(f"Add {title.lower()} column…")
            entry.setObjectName(f"add_{kind}_column")
            entry.triggered.connect(lambda _c=False, k=kind: self.ask(k))
        column = self.model.column(section) if 0 <= section < self.model.columnCount() else None
        if isinstance(column, ExtraColumn):
            entry = menu.addAction(f"Remove column {column.title}")
            entry.setObjectName("remove_column")
            entry.triggered.connect(lambda _c=False, key=column.key: self.model.remove_extra_column(key))
        return menu

    def ask(self, kind: str) -> AddColumnDialog:
        self.last_dialog = AddColumnDialog(kind, self.model, self.table)
        self.last_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a child of the table: freed when closed
        self.last_dialog.open()
        return self.last_dialog
