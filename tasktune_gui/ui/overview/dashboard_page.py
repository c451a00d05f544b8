"""The dashboard: recent projects as cards, recent tasks, and a glance at queues and workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.status import Status
from tasktune_gui.core.summaries import Overview
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.overview.cards import ProjectCard, fill_grid, when

if TYPE_CHECKING:
    from tasktune_gui.core.api import Core

RECENT_PROJECTS = 4
RECENT_TASKS = 10
ID_ROLE = Qt.ItemDataRole.UserRole


def read_overview(core: Core) -> Overview:
    """The project counts (a scan of the task index), recent tasks, queues, workers online and tags."""
    return Overview(core.projects.summaries(), core.overview.recent_tasks(RECENT_TASKS), core.queues.summaries(),
                    core.overview.workers_online(), core.overview.tags())


def heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setObjectName("sectionHeading")
    return label


class DashboardPage(QWidget):
    """Emits `project_requested(name)`, `task_requested(id)` and `all_projects_requested()`; holds no rules."""

    project_requested = Signal(object)
    task_requested = Signal(str)
    all_projects_requested = Signal()

    def __init__(self, core: Core | None) -> None:  # None: drawn from a first glance until the core is open
        super().__init__()
        self.setObjectName("dashboardPage")
        self.core = core
        self.cards: list[ProjectCard] = []
        self.view_all = named(QPushButton("VIEW ALL"), "dashboardViewAll")
        self.view_all.setFlat(True)
        self.view_all.clicked.connect(self.all_projects_requested.emit)
        self.card_grid = QGridLayout()
        self.recent_tasks = named(QListWidget(), "recentTasks")
        self.recent_tasks.itemClicked.connect(self._on_recent_tasks_item)
        self.recent_tasks.itemActivated.connect(self._on_recent_tasks_item)
        self.queues = named(QListWidget(), "dashboardQueues")
        self.workers = named(QLabel(), "dashboardWorkers")
        top = QHBoxLayout()
        top.addWidget(heading("RECENT PROJECTS"))
        top.addStretch(1)
        top.addWidget(self.view_all)
        glance = QVBoxLayout()
        glance.addWidget(heading("QUEUES"))
        glance.addWidget(self.queues)
        glance.addWidget(heading("WORKERS"))
        glance.addWidget(self.workers)
        tasks = QVBoxLayout()
        tasks.addWidget(heading("RECENT TASKS"))
        tasks.addWidget(self.recent_tasks)
        bottom = QHBoxLayout()
        bottom.addLayout(tasks, 2)
        bottom.addLayout(glance, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.card_grid)
        layout.addLayout(bottom, 1)

    def refresh(self, overview: Overview | None = None) -> None:
        """Redraw; `overview` when the caller has just read it (off the GUI thread: it costs a scan of the tasks)."""
        if overview is None:
            if self.core is None:  # drawn from a glance: it has nothing to read from until the core is open
                return
            overview = read_overview(self.core)
        summaries = sorted(overview.summaries, key=lambda s: s.last_update, reverse=True)
        self.cards = [ProjectCard(s.name, s.name, s.counts, s.last_update) for s in summaries[:RECENT_PROJECTS]]
        for card in self.cards:
            card.activated.connect(self.project_requested.emit)
        fill_grid(self.card_grid, list(self.cards), RECENT_PROJECTS)
        self.recent_tasks.clear()
        for task in overview.recent_tasks:
            item = QListWidgetItem(f"{task.name}    {task.project} · {Status(task.status).label} · "
                                   f"{when(task.last_update)}")
            item.setData(ID_ROLE, task.id)
            self.recent_tasks.addItem(item)
        self.queues.clear()
        for queue in overview.queues:
            self.queues.addItem(f"{queue.name}: {queue.pending} pending · {queue.workers} "
                                f"worker{'s' if queue.workers != 1 else ''}")
        online = overview.workers_online
        self.workers.setText(f"{online} worker{'s' if online != 1 else ''} online")

    def _on_recent_tasks_item(self, item: QListWidgetItem) -> None:
        self.task_requested.emit(str(item.data(ID_ROLE)))
