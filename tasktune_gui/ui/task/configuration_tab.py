"""The CONFIGURATION tab: hyperparameters by section, user properties and configuration objects, one search box."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.records import TaskRecord
from tasktune_gui.core.value_checks import check_value
from tasktune_gui.ui.common.fonts import fixed_font
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.section import PUBLISHED_REASON, EditableSection

NAME, VALUE, TYPE, DESCRIPTION = range(4)
EDITABLE = Qt.ItemFlag.ItemIsEditable


def top_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    return [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i)) is not None]


def children(parent: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [item for i in range(parent.childCount()) if (item := parent.child(i)) is not None]


def _buttons(section: EditableSection, *labels: tuple[str, str]) -> list[QPushButton]:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    made = [named(QPushButton(text), name) for text, name in labels]
    for button in made:
        layout.addWidget(button)
    layout.addStretch(1)
    section.add(row)
    return made


class HyperparametersSection(EditableSection):
    """Sections as top-level rows, their names below; values, keys and whole sections can be added or removed."""

    def __init__(self, core: Core) -> None:
        super().__init__(core, "hyperparameters", "Hyperparameters")
        self.tree = named(QTreeWidget(), "hyperparameterTree")
        self.tree.setHeaderLabels(["NAME", "VALUE", "TYPE", "DESCRIPTION"])
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.add(self.tree)
        self.add_key_button, self.delete_button, self.add_section_button = _buttons(
            self, ("Add key", "hyperparametersAddKey"), ("Delete", "hyperparametersDelete"),
            ("Add section", "hyperparametersAddSection"))
        self.add_key_button.clicked.connect(lambda: self.add_key())
        self.delete_button.clicked.connect(self.delete_selected)
        self.add_section_button.clicked.connect(lambda: self.add_section())

    def fill(self, record: TaskRecord) -> None:
        self.tree.clear()
        for section, names in record.hyperparams.items():
            top = self._section_item(section)
            for name, spec in names.items():
                QTreeWidgetItem(top, [name, spec["value"], spec["type"], spec["description"]])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(NAME)

    def _section_item(self, section: str) -> QTreeWidgetItem:
        top = QTreeWidgetItem(self.tree, [section])
        font = QFont(top.font(NAME))
        font.setBold(True)
        top.setFont(NAME, font)
        top.setFirstColumnSpanned(True)
        return top

    def set_fields_editable(self, editing: bool) -> None:
        triggers = QAbstractItemView.EditTrigger
        self.tree.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed if editing
                                  else triggers.NoEditTriggers)
        for top in self.sections():
            top.setFlags(top.flags() | EDITABLE if editing else top.flags() & ~EDITABLE)
            for child in children(top):
                child.setFlags(child.flags() | EDITABLE if editing else child.flags() & ~EDITABLE)
        for button in (self.add_key_button, self.delete_button, self.add_section_button):
            button.setVisible(editing)

    def sections(self) -> list[QTreeWidgetItem]:
        return top_items(self.tree)

    def add_section(self, name: str = "") -> QTreeWidgetItem:
        top = self._section_item(name)
        top.setFlags(top.flags() | EDITABLE)
        self.tree.setCurrentItem(top)
        if not name:
            self.tree.editItem(top, NAME)
        return top

    def add_key(self, name: str = "", value: str = "") -> QTreeWidgetItem | None:
        current = self.tree.currentItem()
        top = current.parent() or current if current is not None else None
        if top is None:
            self.message.setText("Choose the section to add a key to, or add a section first.")
            return None
        child = QTreeWidgetItem(top, [name, value, "", ""])
        child.setFlags(child.flags() | EDITABLE)
        top.setExpanded(True)
        self.tree.setCurrentItem(child)
        if not name:
            self.tree.editItem(child, NAME)
        return child

    def delete_selected(self) -> None:
        for item in self.tree.selectedItems():
            parent = item.parent()
            if parent is None:
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
            else:
                parent.removeChild(item)

    def collect(self) -> TaskEdit:
        old = self.shown.hyperparams
        new: dict[str, dict[str, tuple[str, str]]] = {}
        for top in self.sections():
            section = top.text(NAME).strip()
            if not section:
                raise ValueError("a section needs a name")
            if section in new:
                raise ValueError(f"section '{section}' appears twice")
            keys: dict[str, tuple[str, str]] = {}
            for child in children(top):
                name, value, kind = child.text(NAME).strip(), child.text(VALUE), child.text(TYPE)
                if not name:
                    raise ValueError(f"a key in section '{section}' needs a name")
                if name in keys:
                    raise ValueError(f"'{name}' appears twice in section '{section}'")
                check_value(name, value, kind)
                keys[name] = (value, kind)
            new[section] = keys
        removed = [(s, n) for s, names in old.items() for n in names if n not in new.get(s, {})]
        changed = [(s, n, value) for s, keys in new.items() for n, (value, _) in keys.items()
                   if old.get(s, {}).get(n, {}).get("value") != value or n not in old.get(s, {})]
        return TaskEdit(hyperparameters=changed, removed_hyperparameters=removed)

    def filter(self, text: str) -> None:
        needle = text.strip().lower()
        for top in self.sections():
            section_hit = needle in top.text(NAME).lower()
            shown = 0
            for child in children(top):
                hit = section_hit or any(needle in child.text(c).lower() for c in (NAME, VALUE, DESCRIPTION))
                child.setHidden(not hit)
                shown += hit
            top.setHidden(bool(needle) and not section_hit and shown == 0)


class UserPropertiesSection(EditableSection):
    """Editable in every status but Published."""

    def __init__(self, core: Core) -> None:
        super().__init__(core, "properties", "User properties")
        self.tree = named(QTreeWidget(), "userPropertiesTree")
        self.tree.setHeaderLabels(["NAME", "VALUE"])
        self.tree.setRootIsDecorated(False)
        self.add(self.tree)
        self.add_button, self.delete_button = _buttons(self, ("Add", "propertiesAdd"), ("Delete", "propertiesDelete"))
        self.add_button.clicked.connect(lambda: self.add_property())
        self.delete_button.clicked.connect(
            lambda: [self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(i)) for i in self.tree.selectedItems()])

    def editable_for(self, record: TaskRecord) -> tuple[bool, str]:
        return record.status != "published", PUBLISHED_REASON

    def fill(self, record: TaskRecord) -> None:
        self.tree.clear()
        for name, spec in record.user_properties.items():
            QTreeWidgetItem(self.tree, [name, spec["value"]])

    def add_property(self, name: str = "", value: str = "") -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [name, value])
        item.setFlags(item.flags() | EDITABLE)
        self.tree.setCurrentItem(item)
        return item

    def set_fields_editable(self, editing: bool) -> None:
        triggers = QAbstractItemView.EditTrigger
        self.tree.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed if editing
                                  else triggers.NoEditTriggers)
        for item in top_items(self.tree):
            item.setFlags(item.flags() | EDITABLE if editing else item.flags() & ~EDITABLE)
        self.add_button.setVisible(editing)
        self.delete_button.setVisible(editing)

    def collect(self) -> TaskEdit:
        old = self.shown.user_properties
        new: dict[str, str] = {}
        for item in top_items(self.tree):
            name = item.text(0).strip()
            if not name:
                raise ValueError("a user property needs a name")
            if name in new:
                raise ValueError(f"user property '{name}' appears twice")
            new[name] = item.text(1)
        return TaskEdit(user_properties=[(n, v) for n, v in new.items() if old.get(n, {}).get("value") != v],
                        removed_user_properties=[n for n in old if n not in new])

    def filter(self, text: str) -> None:
        needle = text.strip().lower()
        for item in top_items(self.tree):
            item.setHidden(bool(needle) and not any(needle in item.text(c).lower() for c in (0, 1)))


class ConfigObjectsSection(EditableSection):
    """A list of configuration objects and the text of the chosen one, with find and copy."""

    def __init__(self, core: Core) -> None:
        super().__init__(core, "configObjects", "Configuration objects")
        self.names = named(QListWidget(), "configObjectList")
        self.names.setMaximumHeight(110)
        self.editor = named(QPlainTextEdit(), "configObjectText")
        self.editor.setFont(fixed_font())
        self.find_box = named(QLineEdit(), "configObjectFind")
        self.find_box.setPlaceholderText("Find (Ctrl+F)")
        self.find_box.returnPressed.connect(self.find_next)
        self.description = named(QLabel(), "configObjectDescription")  # e.g. what editing a Hydra config does
        self.description.setWordWrap(True)
        self.add(self.names)
        self.add(self.description)
        self.add(self.find_box)
        self.add(self.editor)
        self.copy_button, self.clear_button = _buttons(self, ("Copy", "configObjectCopy"),
                                                       ("Clear", "configObjectClear"))
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.editor.toPlainText()))
        self.clear_button.clicked.connect(self.editor.clear)
        shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.find_box.setFocus)
        self.texts: dict[str, str] = {}
        self.names.currentTextChanged.connect(self._show_object)
        self.editor.textChanged.connect(self._keep_typed)

    def _show_object(self, name: str) -> None:
        objects = self.last_record.configuration if self.last_record is not None else {}
        described = objects.get(name, {}).get("description", "")
        self.description.setText(described)
        self.description.setVisible(bool(described))
        self.editor.blockSignals(True)
        self.editor.setPlainText(self.texts.get(name, ""))
        self.editor.blockSignals(False)

    def _keep_typed(self) -> None:
        current = self.names.currentItem()
        if current is not None and self.editing:
            self.texts[current.text()] = self.editor.toPlainText()

    def find_next(self) -> bool:
        needle = self.find_box.text()
        found = bool(needle) and self.editor.find(needle)
        if needle and not found:  # wrap around
            cursor = self.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            self.editor.setTextCursor(cursor)
            found = self.editor.find(needle, QTextDocument.FindFlag(0))
        return found

    def fill(self, record: TaskRecord) -> None:
        self.texts = {name: spec["value"] for name, spec in record.configuration.items()}
        current = self.names.currentItem().text() if self.names.currentItem() else None
        self.names.clear()
        self.names.addItems(list(self.texts))
        rows = list(self.texts)
        self.names.setCurrentRow(rows.index(current) if current in rows else 0 if rows else -1)
        self._show_object(self.names.currentItem().text() if self.names.currentItem() else "")

    def set_fields_editable(self, editing: bool) -> None:
        self.editor.setReadOnly(not editing)
        self.clear_button.setVisible(editing)

    def collect(self) -> TaskEdit:
        old = self.shown.configuration
        changed = [(name, text, old[name]["type"]) for name, text in self.texts.items() if old[name]["value"] != text]
        return TaskEdit(configuration=changed)


class ConfigurationTab(QScrollArea):
    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("configurationTab")
        self.setWidgetResizable(True)
        self.search = named(QLineEdit(), "configurationSearch")
        self.search.setPlaceholderText("Search hyperparameters and properties by section, name, value")
        self.search.setClearButtonEnabled(True)
        self.hyperparameters = HyperparametersSection(core)
        self.properties = UserPropertiesSection(core)
        self.objects = ConfigObjectsSection(core)
        self.sections: tuple[EditableSection, ...] = (self.hyperparameters, self.properties, self.objects)
        self.search.textChanged.connect(self.hyperparameters.filter)
        self.search.textChanged.connect(self.properties.filter)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.search)
        for section in self.sections:
            layout.addWidget(section)
        self.setWidget(body)

    def show_record(self, record: TaskRecord) -> None:
        for section in self.sections:
            section.show_record(record)
        self.hyperparameters.filter(self.search.text())
        self.properties.filter(self.search.text())
