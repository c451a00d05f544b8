"""The main window: navigation, the dashboard and projects lists, the task table, and task actions."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.events import Change
from tasktune_gui.core.feed import ChangeFeed
from tasktune_gui.core.retry import is_disconnect
from tasktune_gui.core.settings import Settings
from tasktune_gui.ui.actions import TaskAction, build_qactions
from tasktune_gui.ui.dialogs import CloneDialog, EnqueueDialog
from tasktune_gui.ui.embedded_worker import EmbeddedWorker
from tasktune_gui.ui.naming import named
from tasktune_gui.ui.notifier import EndNotifier
from tasktune_gui.ui.qt_bridge import ChangeSignals, Waker
from tasktune_gui.ui.task_page import TaskPage
from tasktune_gui.ui.task_table_model import TaskTableModel
from tasktune_gui.ui.tasks_page import TasksPage, default_query
from tasktune_gui.ui.workers_page import WorkersPage

PAGES = ("Dashboard", "Projects", "Tasks", "Models", "Workers & Queues")
ALL_PROJECTS = "All projects"
FEED_POLL_MS = 500  # changes made by workers and other windows


class MainWindow(QMainWindow):
    def __init__(self, core: Core, settings: Settings | None = None) -> None:
        super().__init__()
        self.core = core
        self.settings = settings or Settings(embedded_worker=False)
        self.embedded_worker = EmbeddedWorker(core, self.settings)
        self.setObjectName("mainWindow")
        self.setWindowTitle("TaskTune")
        self.resize(1200, 760)
        self.signals = ChangeSignals(core.events, self)
        self.feed = ChangeFeed(core.store, core.events)
        self.model = TaskTableModel(core, default_query())
        self.tasks_page = TasksPage(self.model, self.run_action)
        self.navigation = named(QListWidget(), "navigation")
        self.navigation.addItems(list(PAGES))
        self.stack = QStackedWidget()
        self.dashboard = self._list_page("dashboardPage")
        self.projects = self._list_page("projectsPage")
        self.stack.addWidget(self.dashboard)
        self.stack.addWidget(self.projects)
        self.stack.addWidget(self.tasks_page)
        self.stack.addWidget(self._placeholder("modelsPage", "Models come with the model registry."))
        self.workers_page = WorkersPage(core)
        self.stack.addWidget(self.workers_page)
        self.task_page = TaskPage(core)
        self.stack.addWidget(self.task_page)  # reached from the table, not from the navigation
        splitter = QSplitter()
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self.qactions = build_qactions(self, self._on_menu_bar_action)
        menu = self.menuBar().addMenu("&Task")
        toolbar = named(QToolBar("Task actions"), "taskToolbar")
        for qaction in self.qactions.values():
            menu.addAction(qaction)
        for key in ("clone", "enqueue", "abort"):
            toolbar.addAction(self.qactions[key])
        self.addToolBar(toolbar)
        self.worker_toggle = self.menuBar().addMenu("&Worker").addAction("Run tasks in this window")
        self.worker_toggle.setObjectName("action_embedded_worker")
        self.worker_toggle.setCheckable(True)
        self.worker_toggle.toggled.connect(self._on_worker_toggle_toggled)
        self.worker_label = named(QLabel(), "workerStatus")
        self.statusBar().addPermanentWidget(self.worker_label)
        self.statusBar().showMessage(f"Database: {core.store.display_name}")
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.projects.itemActivated.connect(self._on_projects_item_activated)
        self.projects.itemDoubleClicked.connect(self._on_projects_item_activated)
        self.dashboard.itemDoubleClicked.connect(self._on_projects_item_activated)
        self.signals.changed.connect(self._on_core_changed)
        self.notifier = EndNotifier(core, self, self.signals)
        self.navigation.setCurrentRow(PAGES.index("Dashboard"))
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll_feed)
        self._timer.start(FEED_POLL_MS)
        # On PostgreSQL, notifications make other machines' changes show at once; the timer stays as a net.
        self.feed_waker = Waker(self._poll_feed, self)
        self._stop_listening = self.feed.listen(self.feed_waker.wake)
        self.refresh_lists()
        self.worker_toggle.setChecked(self.settings.embedded_worker)
        self.worker_label.setText(self.embedded_worker.describe())

    # Pages

    def _list_page(self, name: str) -> QListWidget:
        return named(QListWidget(), name)

    def _placeholder(self, name: str, text: str) -> QWidget:
        page = named(QWidget(), name)
        QVBoxLayout(page).addWidget(QLabel(text))
        return page

    def refresh_lists(self) -> None:
        summaries = self.core.projects.summaries()
        self.projects.clear()
        self.projects.addItem(ALL_PROJECTS)
        for summary in summaries:
            counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.counts.items()))
            item = QListWidgetItem(f"{summary.name}    {counts}")
            item.setData(256, summary.name)
            self.projects.addItem(item)
        self.dashboard.clear()
        self.dashboard.addItem("RECENT PROJECTS")
        for summary in sorted(summaries, key=lambda s: s.last_update, reverse=True)[:5]:
            item = QListWidgetItem(f"  {summary.name}")
            item.setData(256, summary.name)
            self.dashboard.addItem(item)
        self.dashboard.addItem("QUEUES")
        for queue in self.core.queues.summaries():
            self.dashboard.addItem(f"  {queue.name}: {queue.pending} pending, {queue.workers} workers")

    def open_project(self, project: str | None) -> None:
        self.tasks_page.show_project(project)
        self.navigation.setCurrentRow(PAGES.index("Tasks"))

    def open_task(self, task_id: str) -> None:
        self.task_page.show_task(task_id)
        self.stack.setCurrentWidget(self.task_page)

    def _on_projects_item_activated(self, item: QListWidgetItem) -> None:
        if item.text() == ALL_PROJECTS or item.data(256):
            self.open_project(item.data(256))

    # Actions

    def _on_menu_bar_action(self, action: TaskAction) -> None:
        applicable = [t for t, s, arch in self.tasks_page.selected_tasks() if action.applies_to(s, arch)]
        if applicable:
            self.run_action(action, applicable if action.multi else applicable[:1])

    def run_action(self, action: TaskAction, task_ids: list[str]) -> None:
        if not task_ids:
            return
        if action.confirm and not self.confirm(f"{action.text} {len(task_ids)} task(s)?"):
            return
        try:
            self._perform(action, task_ids)
        except TaskTuneError as exc:
            self.statusBar().showMessage(str(exc))
            QMessageBox.warning(self, "TaskTune", str(exc))

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, "TaskTune", question)
        return answer == QMessageBox.StandardButton.Yes

    def _perform(self, action: TaskAction, task_ids: list[str]) -> None:
        lifecycle = self.core.lifecycle
        if action.id == "clone":
            self.clone(task_ids[0])
        elif action.id == "enqueue":
            self.enqueue(task_ids)
        elif action.id == "copy_id":
            QGuiApplication.clipboard().setText("\n".join(task_ids))
        elif action.id in ("add_tag", "move"):
            self.ask_metadata(action.id, task_ids)
        elif action.id == "details":
            self.open_task(task_ids[0])
        else:
            for task_id in task_ids:
                getattr(lifecycle, action.id)(task_id)

    def ask_metadata(self, what: str, task_ids: list[str]) -> None:
        """Add a tag to, or move to a project, every selected task."""
        label = "Tag" if what == "add_tag" else "Project (a new name creates it)"
        text, ok = QInputDialog.getText(self, "TaskTune", label)
        if not ok or not text.strip():
            return
        for task_id in task_ids:
            if what == "add_tag":
                self.core.tasks.add_tags(task_id, [text.strip()])
            else:
                self.core.tasks.move(task_id, text.strip())

    def clone(self, task_id: str) -> None:
        source = self.core.task_json(task_id)
        projects = [s.name for s in self.core.projects.summaries()]
        dialog = CloneDialog(source["name"], source["project"], projects, self)
        if dialog.exec():
            new_id = self.core.tasks.clone(task_id, project=dialog.project.currentText().strip() or None,
                                           name=dialog.name.text().strip() or None,
                                           description=dialog.description.text() or None)
            self.statusBar().showMessage(f"Cloned to {new_id}")

    def enqueue(self, task_ids: list[str]) -> None:
        dialog = EnqueueDialog(self.core.queues.summaries(), len(task_ids), self)
        if dialog.exec():
            for task_id in task_ids:
                self.core.lifecycle.enqueue(task_id, dialog.chosen())

    def _on_core_changed(self, change: Change) -> None:
        self.model.on_change(change)
        self.task_page.on_change(change)
        if change.kind in ("project", "queue", "worker") or change.action in ("created", "deleted", "status"):
            self.refresh_lists()
            self.workers_page.refresh()

    def _poll_feed(self) -> None:
        """Follow other processes' changes; while the database is unreachable, say so and try again later."""
        try:
            self.feed.poll()
        except Exception as exc:
            if not is_disconnect(exc):
                raise
            self.statusBar().showMessage(f"Database unreachable, retrying: {self.core.store.display_name}")

    def _on_worker_toggle_toggled(self, on: bool) -> None:
        if on:
            self.embedded_worker.start()
        else:
            self.embedded_worker.stop()
        self.worker_label.setText(self.embedded_worker.describe())

    def closeEvent(self, event):  # type: ignore[no-untyped-def]  # noqa: N802
        self.embedded_worker.stop()
        self._timer.stop()
        self._stop_listening()
        self.signals.close()
        super().closeEvent(event)
