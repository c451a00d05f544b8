"""The main window: navigation, the dashboard and projects lists, the task table, and task actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.settings import Settings
from tasktune_gui.ui.common.actions import ActionContext, ActionRegistry, Selected, TaskAction
from tasktune_gui.ui.common.background import Background
from tasktune_gui.ui.common.icons import icon
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.common.palette import ThemeFollower
from tasktune_gui.ui.window.breadcrumbs import Breadcrumbs, Crumb
from tasktune_gui.ui.window.first_paint import after_first_paint
from tasktune_gui.ui.window.start_page import StartPage
from tasktune_gui.ui.window.task_actions import TASK_ACTIONS
from tasktune_gui.ui.window.window_state import WindowState
from tasktune_gui.ui.worker.worker_menu import WorkerMenu

# Everything below needs the core, whose libraries (SQLAlchemy, SQLModel, pydantic) take most of a start-up:
# the frame above is shown first and these are imported by `open_database`'s thread (see `import_pages`).
if TYPE_CHECKING:
    from tasktune_gui.core.api import Core
    from tasktune_gui.core.events import Change
    from tasktune_gui.core.records import TaskRecord
    from tasktune_gui.core.summaries import Overview
    from tasktune_gui.ui.common.qt_bridge import ChangeSignals
    from tasktune_gui.ui.models.models_page import ModelsPage
    from tasktune_gui.ui.overview.dashboard_page import DashboardPage
    from tasktune_gui.ui.overview.projects_page import ProjectsPage
    from tasktune_gui.ui.overview.workers_page import WorkersPage
    from tasktune_gui.ui.task.task_page import TaskPage
    from tasktune_gui.ui.tasks.task_table_model import TaskTableModel
    from tasktune_gui.ui.tasks.tasks_page import TasksPage
    from tasktune_gui.ui.window.about import AboutDialog
    from tasktune_gui.ui.window.feed_follower import FeedFollower
    from tasktune_gui.ui.worker.embedded_worker import EmbeddedWorker
    from tasktune_gui.ui.worker.notifier import EndNotifier

PAGES = ("Dashboard", "Projects", "Tasks", "Models", "Workers & Queues")
REFRESH_MS = 1000  # a burst of changes redraws the overview pages once (a scan of the task index)
WORKERS_POLL_MS = 5000  # heartbeats are not change notifications: recount who is online


def import_pages() -> None:
    """Load the modules of the pages (and through them the core): safe on any thread, as none makes a widget."""
    import tasktune_gui.ui.common.dialogs
    import tasktune_gui.ui.common.qt_bridge
    import tasktune_gui.ui.models.models_page
    import tasktune_gui.ui.overview.dashboard_page
    import tasktune_gui.ui.overview.projects_page
    import tasktune_gui.ui.overview.workers_page  # noqa: F401


class MainWindow(QMainWindow):
    """The window. Given a core it is whole at once (`make_window`, tests); without one it is the frame
    (navigation, menus, status bar) saying the database is opening, whole once `open_database` is done."""

    ready = Signal()  # the pages are built over an open core
    overview_drawn = Signal()  # the dashboard and projects pages show a new read
    glance_drawn = Signal()  # the dashboard shows a first glance at the file while the core opens
    open_failed = Signal(str)

    core: Core
    embedded_worker: EmbeddedWorker
    signals: ChangeSignals
    model: TaskTableModel
    tasks_page: TasksPage
    dashboard: DashboardPage
    projects: ProjectsPage
    models_page: ModelsPage
    workers_page: WorkersPage
    notifier: EndNotifier
    follower: FeedFollower

    def __init__(self, core: Core | None = None, settings: Settings | None = None,
                 state_path: Path | None = None, actions: Sequence[TaskAction] = TASK_ACTIONS) -> None:
        super().__init__()
        self.settings = settings or Settings(embedded_worker=False)
        self.attached = False
        self.open_error: Exception | None = None
        self._opening: Core | None = None  # a core opened by `open_database` that the window has not taken yet
        self.setObjectName("mainWindow")
        self.setWindowTitle("TaskTune")
        self.resize(1200, 760)
        self.navigation = named(QListWidget(), "navigation")
        self.navigation.addItems(list(PAGES))
        for row, page in enumerate(PAGES):
            self.navigation.item(row).setIcon(icon(page.split()[0].lower()))
        self.stack = QStackedWidget()
        self.start_page = StartPage()
        self.start_page.retry_requested.connect(self._on_start_page_retry_requested)
        self._opener: Callable[[], Core] | None = None
        self.stack.addWidget(self.start_page)
        self._glanced: DashboardPage | None = None  # drawn from the file before the core was open
        self.breadcrumbs = Breadcrumbs()
        self.breadcrumbs.set_trail([(PAGES[0], None)])
        self.current_project: str | None = None
        self._lists_stale = True
        self._lists_generation = 0  # only the newest summaries are drawn
        self.background = Background(self)
        self._task_page: TaskPage | None = None  # built when first opened (see `task_page`)
        self._side_page: TaskPage | None = None  # the split view's page beside the table, built when first shown
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.breadcrumbs)
        right_layout.addWidget(self.stack, 1)
        self.splitter = named(QSplitter(), "mainSplitter")
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self._build_menus(actions)
        self.worker_label = self.worker_menu.label
        self.database_label = named(QLabel("Database: opening…"), "statusDatabase")
        self.workers_online_label = named(QLabel(), "statusWorkers")
        self.statusBar().addPermanentWidget(self.database_label)
        self.statusBar().addPermanentWidget(self.workers_online_label)
        self.statusBar().addPermanentWidget(self.worker_label)
        self.navigation.setCurrentRow(PAGES.index("Dashboard"))
        self.navigation.currentRowChanged.connect(self._on_frame_row_changed)
        app = QApplication.instance()
        self.theme = ThemeFollower(app, self) if isinstance(app, QApplication) else None
        if self.theme is not None:
            self.theme.changed.connect(self._on_theme_changed)
        self.state = WindowState(state_path)
        self.state.restore_window(self, self.splitter)
        if core is not None:
            self.attach(core)

    def _build_menus(self, actions: Sequence[TaskAction]) -> None:
        self.task_actions = ActionRegistry(self, actions)
        self.qactions = self.task_actions.qactions
        self.task_actions.fill_menu(self.menuBar().addMenu("&Task"))
        toolbar = named(QToolBar("Task actions"), "taskToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.task_actions.fill_toolbar(toolbar)
        self.addToolBar(toolbar)
        self.split_toggle = self.menuBar().addMenu("&View").addAction("Details beside the table")
        self.split_toggle.setObjectName("action_split_view")
        self.split_toggle.setCheckable(True)
        self.split_toggle.setShortcut("F3")
        self.worker_menu = WorkerMenu(self.menuBar().addMenu("&Worker"), self.settings, self,
                                      self.statusBar().showMessage)
        self.worker_toggle = self.worker_menu.toggle
        self.about_action = self.menuBar().addMenu("&Help").addAction(f"About {self.windowTitle()}")
        self.about_action.setObjectName("action_about")
        self.about_action.triggered.connect(self.show_about)
        for waiting in self._waiting_for_database():
            waiting.setEnabled(False)

    def show_about(self) -> AboutDialog:
        from tasktune_gui.ui.window.about import AboutDialog  # not on the frame's path: the dialog's classes, platform

        dialog = AboutDialog(self, self.core.store.display_name if self.attached else None)
        dialog.open()
        return dialog

    def _waiting_for_database(self) -> list[QAction]:
        return [self.split_toggle, self.worker_toggle, self.worker_menu.docker_action,
                self.worker_menu.s3_server_action]

    def _on_frame_row_changed(self, row: int) -> None:
        if not self.attached:  # the page is shown once the database is open; the trail says which it will be
            self.breadcrumbs.set_trail([(PAGES[row] if 0 <= row < len(PAGES) else "", None)])
            if self._glanced is not None and self.open_error is None:
                self.stack.setCurrentWidget(self._glanced if row == 0 else self.start_page)

    def show_glance(self, overview: Overview) -> None:
        """Draw the dashboard from a first glance at the file (`core/glance.py`) while the core opens: its cards
        and lists answer once the pages are built over the core, half a second later."""
        from tasktune_gui.ui.overview.dashboard_page import DashboardPage

        self._glanced = DashboardPage(None)
        self._glanced.refresh(overview)
        self.stack.addWidget(self._glanced)  # after the start page: the dashboard's index once that is removed
        if self.navigation.currentRow() <= 0:
            self.stack.setCurrentWidget(self._glanced)
        self.glance_drawn.emit()

    def open_database(self, opener: Callable[[], Core]) -> None:
        """Open the core off the GUI thread, then build the pages over it; a failure is said on the start page
        and kept in `open_error` (Try again calls `opener` anew). The dashboard's first read runs while the
        pages' modules load."""
        self._opener = opener
        self.open_error = None
        self.start_page.opening()
        self.database_label.setText("Database: opening…")
        def load() -> tuple[Core, Overview]:
            core = self._opening = opener()
            from tasktune_gui.ui.overview.dashboard_page import read_overview

            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasktune-first-read") as pool:
                overview = pool.submit(read_overview, core)  # SQLite lets go of Python's lock while it reads
                import_pages()
                if self.settings.embedded_worker:  # started once the pages are up: not a stall of the GUI then
                    import tasktune_gui.execution.worker.worker  # noqa: F401
                return core, overview.result()

        # After the frame's first paint: the core's imports on the thread would hold Python's lock against it.
        after_first_paint(self, lambda: self.background.run(load, lambda loaded: self.attach(*loaded),
                                                            self._on_open_failed))

    def _on_open_failed(self, error: Exception) -> None:
        self.open_error = error
        message = f"TaskTune could not open the database: {error}"
        self.start_page.failed(message)
        self.stack.setCurrentWidget(self.start_page)
        self.database_label.setText("Database: not open")
        self.open_failed.emit(message)

    def _on_start_page_retry_requested(self) -> None:
        if self._opener is not None and not self.attached:
            self.open_database(self._opener)

    def attach(self, core: Core, overview: Overview | None = None) -> None:
        """Build the pages over `core` into the frame, drawing `overview` if it was read already."""
        import_pages()
        from tasktune_gui.ui.common.qt_bridge import ChangeSignals
        from tasktune_gui.ui.models.models_page import ModelsPage
        from tasktune_gui.ui.overview.dashboard_page import DashboardPage
        from tasktune_gui.ui.overview.projects_page import ProjectsPage
        from tasktune_gui.ui.overview.workers_page import WorkersPage
        from tasktune_gui.ui.tasks.task_table_model import TaskTableModel
        from tasktune_gui.ui.tasks.tasks_page import TasksPage, default_query
        from tasktune_gui.ui.window.feed_follower import FeedFollower
        from tasktune_gui.ui.worker.embedded_worker import EmbeddedWorker
        from tasktune_gui.ui.worker.notifier import EndNotifier

        self.core = core
        self._opening = None
        self.embedded_worker = EmbeddedWorker(core, self.settings)
        self.signals = ChangeSignals(core.events, self)
        self.model = TaskTableModel(core, default_query(), load=False)
        self.model.setParent(self)  # its timers stop with the window's
        self.tasks_page = TasksPage(self.model, self.task_actions)
        self.dashboard = self._glanced or DashboardPage(core)
        self.dashboard.core = core
        self.projects = ProjectsPage(core)
        self.models_page = ModelsPage(core)
        self.workers_page = WorkersPage(core, load=False)  # read when first shown: it is not the first page
        for page in (self.dashboard, self.projects, self.tasks_page, self.models_page, self.workers_page):
            if self.stack.indexOf(page) < 0:
                self.stack.addWidget(page)
        self.stack.removeWidget(self.start_page)
        self.start_page.deleteLater()
        self.database_label.setText(f"Database: {core.store.display_name}")
        self.split_toggle.toggled.connect(self.set_split_view)
        self.tasks_page.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_beside())
        self.worker_menu.attach(self.embedded_worker, core)
        context = ActionContext(core, self, self.statusBar().showMessage, self.open_task, self.show_clone,
                                self.worker_menu.run_queue_here)
        self.task_actions.attach(context, self._action_targets, self._action_owners)
        for waiting in self._waiting_for_database():
            waiting.setEnabled(True)
        self.navigation.currentRowChanged.connect(self._on_navigation_row_changed)
        # A click on the page already chosen leaves a task page shown over it: the page comes back.
        self.navigation.itemClicked.connect(lambda item: self._on_navigation_row_changed(self.navigation.row(item)))
        self.stack.currentChanged.connect(self._on_stack_current_changed)
        self.projects.project_requested.connect(self.open_project)
        self.dashboard.project_requested.connect(self.open_project)
        self.dashboard.task_requested.connect(self.open_task)
        self.dashboard.all_projects_requested.connect(lambda: self.show_page("Projects"))
        self.models_page.model_opened.connect(self._on_models_page_model_opened)
        self.models_page.task_requested.connect(self.open_task)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh_lists)
        # The Workers & Queues page redraws at most every REFRESH_MS, and only while it is in view.
        self._workers_page_timer = QTimer(self)
        self._workers_page_timer.setSingleShot(True)
        self._workers_page_timer.setInterval(REFRESH_MS)
        self._workers_page_timer.timeout.connect(self.workers_page.refresh)
        self._workers_page_stale = True
        self._workers_timer = QTimer(self)
        self._workers_timer.timeout.connect(self._on_workers_timer_timeout)
        self._workers_timer.start(WORKERS_POLL_MS)
        self.signals.changed.connect(self._on_core_changed)
        self.notifier = EndNotifier(core, self, self.signals)
        # Other processes' changes; on PostgreSQL their notifications make them show at once.
        self.follower = FeedFollower(core, self)
        self.follower.unreachable.connect(self.statusBar().showMessage)
        self._restore_table_state()
        self.attached = True
        if overview is None:
            self.refresh_lists()
        else:
            self._lists_stale = False
            self._lists_generation += 1
            self._on_overview_ready(self._lists_generation, overview)
        self._on_navigation_row_changed(self.navigation.currentRow())  # a page chosen while opening is shown
        self._update_breadcrumbs()
        self._on_workers_timer_timeout()
        # The worker starts on the first turn of the event loop: importing the engine and registering would
        # otherwise delay the first paint by a third of a second. (The frame already says "Worker: starting".)
        self._worker_start = QTimer(self)
        self._worker_start.setSingleShot(True)
        self._worker_start.timeout.connect(self.worker_menu.start_if_on)
        if self.settings.embedded_worker:
            self._worker_start.start(0)
        self.ready.emit()

    # Pages

    @property
    def task_page(self) -> TaskPage:
        """The task page, built on first use: its charts' libraries (numpy, pyqtgraph) cost a second at start-up."""
        if self._task_page is None:
            from tasktune_gui.ui.task.task_page import TaskPage

            self._task_page = TaskPage(self.core)
            self._task_page.artifacts.model_requested.connect(self.open_model)
            self._task_page.open_trial.connect(self.open_task)  # a trial, or the best one's Draft clone
            self._task_page.compare_trials.connect(self._compare_trials)
            self._task_page.execution.output.server_settings_requested.connect(self.worker_menu.edit_s3_server)
            # A rename or a move shows in the trail once the page has read the task again.
            self._task_page.shown.connect(self._on_task_page_shown)
            self.stack.addWidget(self._task_page)  # reached from the table, not from the navigation
        return self._task_page

    def _compare_trials(self, task_ids: list[str]) -> None:
        compare = next(action for action in self.task_actions.actions if action.id == "compare")
        self.task_actions.trigger(compare, task_ids)

    def set_split_view(self, on: bool) -> None:
        """The selected task's page beside the table (F3), following the current row."""
        if on and self._side_page is None:
            from tasktune_gui.ui.task.task_page import TaskPage

            self._side_page = TaskPage(self.core)
            self._side_page.setObjectName("sideTaskPage")
            self._side_page.artifacts.model_requested.connect(self.open_model)
            self._side_page.execution.output.server_settings_requested.connect(self.worker_menu.edit_s3_server)
        self.tasks_page.set_side(self._side_page if on else None)
        if self.split_toggle.isChecked() != on:
            self.split_toggle.setChecked(on)
        self._show_beside()

    def _show_beside(self) -> None:
        task_id = self.tasks_page.current_id()
        side = self._side_page
        if side is not None and side.isVisible() and task_id is not None and task_id != side.task_id:
            side.show_task(task_id)

    def refresh_lists(self) -> None:
        """Redraw the overview pages from one read of the project summaries, made off the GUI thread
        (counting a million tasks by project and status takes a good part of a second)."""
        self._lists_stale = False
        self._lists_generation += 1
        generation = self._lists_generation
        from tasktune_gui.ui.overview.dashboard_page import read_overview

        self.background.run(lambda: read_overview(self.core),
                            lambda overview: self._on_overview_ready(generation, overview),
                            self._on_summaries_failed)

    def _on_overview_ready(self, generation: int, overview: Overview) -> None:
        if generation != self._lists_generation:
            return
        self.projects.refresh(overview.summaries)
        self.dashboard.refresh(overview)
        self.tasks_page.filters.set_tags(overview.tags)
        self.overview_drawn.emit()

    def _on_summaries_failed(self, error: Exception) -> None:
        self.statusBar().showMessage(f"Could not read the projects: {error}")

    def _restore_table_state(self) -> None:
        for column in self.state.extra_columns():
            self.model.add_extra_column(column)
        header = self.tasks_page.table.horizontalHeader()
        if self.state.restore_header(header):
            self.tasks_page.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def save_state(self) -> None:
        if self.attached:
            self.state.save(self, self.splitter, self.tasks_page.table.horizontalHeader(), self.model.extra)
        else:
            self.state.save(self, self.splitter)

    def overview_shown(self) -> bool:
        return self.stack.currentWidget() in (self.dashboard, self.projects)

    def schedule_refresh(self) -> None:
        """Redraw the overview pages soon if one is in view, else when one is shown next."""
        if not self.overview_shown():
            self._lists_stale = True
        elif not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _schedule_workers_page(self) -> None:
        if self.stack.currentWidget() is not self.workers_page:
            self._workers_page_stale = True
        elif not self._workers_page_timer.isActive():
            self._workers_page_timer.start()

    def show_page(self, title: str) -> None:
        self.navigation.setCurrentRow(PAGES.index(title))

    def open_project(self, project: str | None) -> None:
        self.current_project = project
        self.tasks_page.show_project(project)
        if self.navigation.currentRow() == PAGES.index("Tasks"):
            self.stack.setCurrentWidget(self.tasks_page)
        self.show_page("Tasks")
        self._update_breadcrumbs()

    def show_clone(self, task_id: str) -> None:
        """As the field does: the clone's project's table with the clone selected, and its page open to edit."""
        self.open_project(self.core.task_record(task_id).project)
        self.tasks_page.select_task(task_id)
        self.open_task(task_id)
        self.task_page.ready_to_edit()

    def open_task(self, task_id: str) -> None:
        self.task_page.show_task(task_id)
        self.stack.setCurrentWidget(self.task_page)
        self._update_breadcrumbs()

    def open_model(self, model_id: str) -> None:
        self.show_page("Models")
        self.models_page.open_model(model_id)

    def _on_models_page_model_opened(self, _model_id: str) -> None:
        self._update_breadcrumbs()

    def _on_navigation_row_changed(self, row: int) -> None:
        if row == PAGES.index("Models"):
            self.models_page.show_list()
        self.stack.setCurrentIndex(row)

    def _on_stack_current_changed(self, _index: int) -> None:
        if self.stack.currentWidget() is self.tasks_page:
            self.model.ensure_loaded()
        if self.overview_shown() and self._lists_stale:
            self.refresh_lists()
        if self.stack.currentWidget() is self.workers_page and self._workers_page_stale:
            self._workers_page_stale = False
            self.workers_page.refresh()
        self._update_breadcrumbs()
        self.task_actions.schedule_refresh()  # they act on the task page's task while it is in view

    def _project_trail(self, project: str | None, last_clickable: bool) -> list[Crumb]:
        from tasktune_gui.ui.overview.projects_page import ALL_PROJECTS

        trail: list[Crumb] = [("Projects", lambda: self.show_page("Projects"))]
        parts = project.split("/") if project else [ALL_PROJECTS]
        for depth, part in enumerate(parts, start=1):
            target = "/".join(parts[:depth]) if project else None
            trail.append((part, partial(self.open_project, target)))
        if not last_clickable:
            trail[-1] = (trail[-1][0], None)
        return trail

    def _update_breadcrumbs(self) -> None:
        page = self.stack.currentWidget()
        if page is self.tasks_page:
            trail = self._project_trail(self.current_project, last_clickable=False)
        elif (page is not None and page is self._task_page and self._task_page.task_id is not None
              and (record := self._task_page.record) is not None):  # as the page last read it: no second read
            trail = [*self._project_trail(record.project, last_clickable=True), (record.name, None)]
        elif page is self.models_page and self.models_page.stack.currentWidget() is self.models_page.model_page:
            model_id = self.models_page.model_page.model_id or ""
            trail = [("Models", self._on_models_crumb), (self.core.models.get(model_id).name, None)]
        else:
            row = self.navigation.currentRow()
            trail = [(PAGES[row] if 0 <= row < len(PAGES) else "", None)]
        self.breadcrumbs.set_trail(trail)

    def _on_task_page_shown(self) -> None:
        if self.stack.currentWidget() is self._task_page:
            self._update_breadcrumbs()
            self.task_actions.schedule_refresh()  # its status may have changed

    def _shown_task(self) -> TaskRecord | None:
        """The task on the task page when that page is in view: the actions apply to it, not the table's rows."""
        page = self._task_page
        return page.record if page is not None and self.stack.currentWidget() is page else None

    def _action_targets(self) -> list[Selected]:
        record = self._shown_task()
        if record is None:
            return self.tasks_page.selected_tasks()
        return [(record.id, record.status, record.archived)]

    def _action_owners(self) -> dict[str, str]:
        record = self._shown_task()
        return self.tasks_page.selected_owners() if record is None else {record.id: record.user}

    def _on_theme_changed(self, _dark: bool) -> None:
        if not self.attached:
            return
        self.refresh_lists()  # the cards' status colours are in their text
        self.tasks_page.table.viewport().update()

    def _on_models_crumb(self) -> None:
        self.models_page.show_list()
        self._update_breadcrumbs()

    def _on_workers_timer_timeout(self) -> None:
        """Heartbeats are not change notifications: who is online is recounted now and then, off the GUI thread."""
        self.background.run(self.core.overview.workers_online, self._on_workers_online_counted,
                            lambda _error: None)  # an unreachable database is said by the feed's follower

    def _on_workers_online_counted(self, online: int) -> None:
        self.workers_online_label.setText(f"{online} worker{'s' if online != 1 else ''} online")

    def _on_core_changed(self, change: Change) -> None:
        self.model.on_change(change)
        if self._task_page is not None:
            self._task_page.on_change(change)
        if self._side_page is not None and self._side_page.isVisible():
            self._side_page.on_change(change)
        self.models_page.on_change(change)
        if change.kind in ("project", "queue", "worker") or change.action in ("created", "deleted", "status"):
            self.schedule_refresh()
            self._schedule_workers_page()
        if change.kind == "worker":
            self._on_workers_timer_timeout()

    def closeEvent(self, event):  # type: ignore[no-untyped-def]  # noqa: N802
        self.save_state()
        if self.theme is not None:
            self.theme.close()
        for background in self.findChildren(Background):  # the window's and the task pages'
            background.close()  # waits for an `open_database` still under way
        if not self.attached:
            if self._opening is not None:  # opened after the window was closed: nobody will use it
                self._opening.close()
                self._opening = None
            super().closeEvent(event)
            return
        from tasktune_gui.ui.console.console_view import ConsoleView

        if self._side_page is not None:  # out of the window's tree while the split view is off
            self._side_page.background.close()
            self._side_page.console.reader.close()
            self._side_page.stop_ticking()
        self.embedded_worker.stop()
        self.follower.close()
        for console in self.findChildren(ConsoleView):
            console.reader.close()
        for timer in self.findChildren(QTimer):  # the feed poll and any pending repaint of a page
            timer.stop()
        self.signals.close()
        super().closeEvent(event)
