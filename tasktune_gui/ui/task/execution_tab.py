"""The EXECUTION tab: source code with a commit chooser, packages, uncommitted changes, container, output."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.capture.local_commits import carried_count
from tasktune_gui.core.capture.refs import RepositoryRefs, list_refs
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.records import TaskRecord
from tasktune_gui.core.uris import s3_server_of, validate_output_uri
from tasktune_gui.ui.common import gui_thread
from tasktune_gui.ui.common.fonts import fixed_font
from tasktune_gui.ui.common.layouts import in_row
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.section import EditableSection
from tasktune_gui.ui.task.diff_highlighter import DiffHighlighter

REF_MODES = ("Specific commit", "Tag", "Last commit in branch")
COMMIT, TAG, BRANCH = range(3)


def _mono(editor: QPlainTextEdit) -> QPlainTextEdit:
    editor.setFont(fixed_font())
    return editor


def _form(section: EditableSection) -> QFormLayout:
    holder = QWidget()
    form = QFormLayout(holder)
    form.setContentsMargins(0, 0, 0, 0)
    section.add(holder)
    return form


class RefsLoader(QObject):
    """Lists a repository's refs on a thread (a remote may take seconds) and hands them to the GUI thread."""

    loaded = Signal(str, object)  # repository, RepositoryRefs

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gui_thread.prepare()

    def load(self, repository: str) -> None:
        def work() -> None:
            gui_thread.call_on_gui(self, self.loaded.emit, repository, list_refs(repository))

        threading.Thread(target=work, name="list-refs", daemon=True).start()


class SourceSection(EditableSection):
    def __init__(self, core: Core) -> None:
        super().__init__(core, "source", "Source code")
        self.repository = named(QLineEdit(), "execution_repository")
        self.ref_mode = named(QComboBox(), "execution_ref_mode")
        self.ref_mode.addItems(REF_MODES)
        self.ref_value = named(QComboBox(), "execution_ref_value")
        self.ref_value.setEditable(True)  # any commit id, tag or branch may be typed, listed or not
        self.refs_status = named(QLabel(), "execution_refs_status")
        self.fields = {key: named(QLineEdit(), f"execution_{key}") for key in ("entry_point", "working_dir", "binary")}
        form = _form(self)
        form.addRow("Repository", self.repository)
        form.addRow("Code from", self.ref_mode)
        form.addRow("", self.ref_value)
        form.addRow("", self.refs_status)
        for key, label in (("entry_point", "Script"), ("working_dir", "Working directory"), ("binary", "Binary")):
            form.addRow(label, self.fields[key])
        self.refs = RepositoryRefs()
        self.loader = RefsLoader(self)
        self.loader.loaded.connect(self._on_refs_loaded)
        self.ref_mode.currentIndexChanged.connect(self._fill_choices)

    def fill(self, record: TaskRecord) -> None:
        execution = record.execution
        self.repository.setText(execution.repository)
        mode = COMMIT if execution.commit else TAG if execution.tag else BRANCH
        value = execution.commit or execution.tag or execution.branch or ""
        self.ref_mode.setCurrentIndex(mode)
        self._fill_choices()
        self.ref_value.setEditText(value)
        for key, field in self.fields.items():
            field.setText(getattr(execution, key) or "")

    def set_fields_editable(self, editing: bool) -> None:
        for field in (self.repository, *self.fields.values()):
            field.setReadOnly(not editing)
        self.ref_mode.setEnabled(editing)
        self.ref_value.setEnabled(editing)
        if editing:
            self.refs_status.setText("Listing branches, tags and recent commits…")
            self.loader.load(self.repository.text().strip())
        else:
            self.refs_status.clear()

    def _on_refs_loaded(self, repository: str, refs: RepositoryRefs) -> None:
        if not self.editing or repository != self.repository.text().strip():
            return
        self.refs = refs
        self.refs_status.setText(refs.error or f"{len(refs.branches)} branches, {len(refs.tags)} tags, "
                                 f"{len(refs.commits)} recent commits")
        self._fill_choices()

    def _fill_choices(self) -> None:
        typed = self.ref_value.currentText()
        self.ref_value.clear()
        mode = self.ref_mode.currentIndex()
        if mode == COMMIT:
            for sha, subject in self.refs.commits:
                self.ref_value.addItem(f"{sha[:12]}  {subject}", sha)
        else:
            self.ref_value.addItems(self.refs.tags if mode == TAG else self.refs.branches)
        self.ref_value.setEditText(typed)

    def chosen_value(self) -> str:
        text = self.ref_value.currentText().strip()
        index = self.ref_value.findText(text)
        data = self.ref_value.itemData(index) if index >= 0 else None
        return str(data) if data else text.split()[0] if text else ""

    def collect(self) -> TaskEdit:
        old = self.shown.execution
        changes: dict[str, str | None] = {}
        if self.repository.text().strip() != old.repository:
            changes["repository"] = self.repository.text().strip()
        value = self.chosen_value()
        mode = self.ref_mode.currentIndex()
        if not value and mode != BRANCH:
            raise InvalidValue(f"name the {'commit' if mode == COMMIT else 'tag'} to run, or choose a branch")
        if mode == COMMIT and value != old.commit:
            changes["commit"] = value
        elif mode == TAG and value != old.tag:
            changes["tag"] = value
        elif mode == BRANCH and (old.commit or old.tag or value != (old.branch or "")):
            changes.update(branch=value or None, commit=None, tag=None)
        for key, field in self.fields.items():
            if field.text().strip() != (getattr(old, key) or ""):
                changes[key] = field.text().strip()
        return TaskEdit(execution=changes)


class PackagesSection(EditableSection):
    def __init__(self, core: Core) -> None:
        super().__init__(core, "packages", "Python packages")
        self.editor = named(_mono(QPlainTextEdit()), "execution_requirements")
        self.editor.setMaximumHeight(140)
        self.editor.setPlaceholderText("One requirement per line (pip format). Empty: the repository's "
                                       "requirements.txt when the task runs.")
        self.clear_button = named(QPushButton("Clear"), "packagesClear")
        self.reset_button = named(QPushButton("Reset to recorded"), "packagesReset")
        self.reset_button.setToolTip("The package list recorded when the task was created")
        self.clear_button.clicked.connect(self.editor.clear)
        self.reset_button.clicked.connect(
            lambda: self.editor.setPlainText(self.shown.execution.original_requirements))
        self.add(self.editor)
        for button in (self.clear_button, self.reset_button):
            self.add(button)

    def fill(self, record: TaskRecord) -> None:
        self.editor.setPlainText(record.execution.requirements)

    def set_fields_editable(self, editing: bool) -> None:
        self.editor.setReadOnly(not editing)
        self.clear_button.setVisible(editing)
        self.reset_button.setVisible(editing)

    def collect(self) -> TaskEdit:
        text = self.editor.toPlainText()
        return TaskEdit(execution={"requirements": text} if text != self.shown.execution.requirements
                        else {})


class DiffSection(EditableSection):
    def __init__(self, core: Core) -> None:
        super().__init__(core, "diff", "Uncommitted changes")
        self.editor = named(_mono(QPlainTextEdit()), "execution_diff")
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setMinimumHeight(160)
        self.highlighter = DiffHighlighter(self.editor.document())
        self.clear_button = named(QPushButton("Clear"), "diffClear")
        self.clear_button.setToolTip("Run the commit as it is, without the uncommitted changes")
        self.clear_button.clicked.connect(self.editor.clear)
        self.local_commits = named(QLabel(), "execution_local_commits")
        self.local_commits.setVisible(False)
        self.add(self.local_commits)
        self.add(self.editor)
        self.add(self.clear_button)

    def fill(self, record: TaskRecord) -> None:
        diff = record.execution.diff
        self.editor.setPlainText(diff)
        count = carried_count(diff)
        self.local_commits.setText(f"{count} local commit{'s' if count != 1 else ''} not on the remote "
                                   f"travel{'s' if count == 1 else ''} with the task")
        self.local_commits.setVisible(count > 0)

    def set_fields_editable(self, editing: bool) -> None:
        self.editor.setReadOnly(not editing)
        self.clear_button.setVisible(editing)

    def collect(self) -> TaskEdit:
        text = self.editor.toPlainText()
        if text and not text.endswith("\n"):
            text += "\n"  # a patch ends with a newline; the editor may drop it
        return TaskEdit(execution={"diff": text} if text != self.shown.execution.diff else {})


class ContainerSection(EditableSection):
    KEYS = (("image", "container_image"), ("arguments", "container_arguments"))

    def __init__(self, core: Core) -> None:
        super().__init__(core, "container", "Container")
        self.image = named(QLineEdit(), "execution_container_image")
        self.image.setPlaceholderText("No container: the task runs on the worker's machine")
        self.arguments = named(QLineEdit(), "execution_container_arguments")
        self.arguments.setPlaceholderText("docker run arguments, e.g. --shm-size 8g -e NCCL_DEBUG=INFO")
        self.setup_script = named(_mono(QPlainTextEdit()), "execution_container_setup")
        self.setup_script.setMaximumHeight(100)
        self.setup_script.setPlaceholderText("Shell commands run in the container before the environment step")
        self.use_image_env = named(QCheckBox("Use the image's own Python (no virtual environment)"),
                                   "execution_container_use_image_env")
        self.delete_button = named(QPushButton("Remove container"), "containerDelete")
        self.delete_button.clicked.connect(self._remove)
        form = _form(self)
        form.addRow("Image", self.image)
        form.addRow("Arguments", self.arguments)
        form.addRow("Setup shell script", self.setup_script)
        form.addRow("", self.use_image_env)
        self.add(self.delete_button)

    def _remove(self) -> None:
        for field in (self.image, self.arguments):
            field.clear()
        self.setup_script.clear()
        self.use_image_env.setChecked(False)

    def fill(self, record: TaskRecord) -> None:
        container = record.execution.container
        self.image.setText(container.image)
        self.arguments.setText(container.arguments)
        self.setup_script.setPlainText(container.setup_script)
        self.use_image_env.setChecked(bool(container.use_image_env))

    def set_fields_editable(self, editing: bool) -> None:
        for field in (self.image, self.arguments):
            field.setReadOnly(not editing)
        self.setup_script.setReadOnly(not editing)
        self.use_image_env.setEnabled(editing)
        self.delete_button.setVisible(editing)

    def collect(self) -> TaskEdit:
        old = self.shown.execution.container
        new = {"container_image": self.image.text().strip(), "container_arguments": self.arguments.text().strip(),
               "container_setup_script": self.setup_script.toPlainText()}
        before = {"container_image": old.image, "container_arguments": old.arguments,
                  "container_setup_script": old.setup_script}
        changes: dict[str, str | None] = {key: value for key, value in new.items() if value != before[key]}
        use_image_env = self.use_image_env.isChecked()
        return TaskEdit(execution=changes,
                        use_image_env=use_image_env if use_image_env != bool(old.use_image_env) else None)


class DestinationChecker(QObject):
    """Tests a bucket destination on a thread (credentials found? bucket there and writable?) as a worker will at
    the task's start, and hands the answer to the GUI thread."""

    checked = Signal(str, bool, str)  # uri, passed, what was found

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gui_thread.prepare()

    def check(self, uri: str) -> None:
        def work() -> None:
            from tasktune_gui.execution.stores.buckets import StoreError, check_destination  # fsspec only when asked

            try:
                passed, text = True, check_destination(uri)
            except StoreError as exc:
                passed, text = False, exc.reason
            gui_thread.call_on_gui(self, self.checked.emit, uri, passed, text)

        threading.Thread(target=work, name="check-destination", daemon=True).start()


class OutputSection(EditableSection):
    server_settings_requested = Signal(str)  # host:port of the S3-compatible server the destination names

    def __init__(self, core: Core) -> None:
        super().__init__(core, "output", "Output destination")
        self.uri = named(QLineEdit(), "execution_output_uri")
        self.uri.setPlaceholderText("/shared/outputs, file:///…, s3://host:port/bucket, gs://bucket/folder, "
                                    "azure://account.blob.core.windows.net/path")
        self.test_button = named(QPushButton("Test destination"), "execution_output_test")
        self.test_button.setToolTip("Checks that credentials are found and the bucket is reachable and writable")
        self.server_button = named(QPushButton("Server settings…"), "execution_output_server")
        self.server_button.setToolTip("HTTPS, CA file, path-style addressing and region of an S3-compatible server "
                                      "(s3://host:port/bucket), for every task that writes there")
        self.server_button.clicked.connect(self._on_server_clicked)
        self.check = named(QLabel(), "execution_output_check")
        self.check.setWordWrap(True)
        self.checker = DestinationChecker(self)
        self.checker.checked.connect(self._on_checker_checked)
        self.uri.textChanged.connect(self._validate)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.add(in_row(self.uri, self.test_button, self.server_button))
        self.add(self.check)

    def _bucket_uri(self) -> str:
        """The field's URI when it names a bucket that can be checked; "" otherwise."""
        text = self.uri.text().strip()
        try:
            validate_output_uri(text)
        except InvalidValue:
            return ""
        return text if text and not text.startswith(("/", "file://")) else ""

    def _validate(self, text: str) -> None:
        self.test_button.setEnabled(bool(self._bucket_uri()))
        self.server_button.setEnabled(bool(s3_server_of(text)))
        if not self.editing:
            self.check.clear()
            return
        try:
            validate_output_uri(text)
        except InvalidValue as exc:
            self.check.setText(str(exc))
        else:
            self.check.setText("")

    def _on_test_clicked(self) -> None:
        uri = self._bucket_uri()
        if uri:
            self.test_button.setEnabled(False)
            self.check.setText(f"Checking {uri}…")
            self.checker.check(uri)

    def _on_server_clicked(self) -> None:
        server = s3_server_of(self.uri.text())
        if server:
            self.server_settings_requested.emit(server)

    def _on_checker_checked(self, uri: str, passed: bool, text: str) -> None:
        self.test_button.setEnabled(bool(self._bucket_uri()))
        if uri == self.uri.text().strip():  # not an answer about a URI typed over since
            self.check.setText(text if passed else f"Test failed: {text}")

    def fill(self, record: TaskRecord) -> None:
        self.uri.setText(record.execution.output_uri)
        self._validate(self.uri.text())

    def set_fields_editable(self, editing: bool) -> None:
        self.uri.setReadOnly(not editing)
        self._validate(self.uri.text())

    def collect(self) -> TaskEdit:
        value = self.uri.text().strip()
        return TaskEdit(execution={"output_uri": value} if value != self.shown.execution.output_uri
                        else {})


class ExecutionTab(QScrollArea):
    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("executionTab")
        self.setWidgetResizable(True)
        self.source = SourceSection(core)
        self.packages = PackagesSection(core)
        self.diff = DiffSection(core)
        self.container = ContainerSection(core)
        self.output = OutputSection(core)
        self.sections: tuple[EditableSection, ...] = (self.source, self.packages, self.diff, self.container,
                                                      self.output)
        body = QWidget()
        layout = QVBoxLayout(body)
        for section in self.sections:
            layout.addWidget(section)
        layout.addStretch(1)
        self.setWidget(body)

    def show_record(self, record: TaskRecord) -> None:
        for section in self.sections:
            section.show_record(record)
