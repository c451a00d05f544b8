"""The Projects page: a grid of project cards ("All projects" first), a search box, and New project."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.summaries import ProjectSummary
from tasktune_gui.ui.common.dialogs import accept_cancel, fit_dialog
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.overview.cards import ProjectCard, fill_grid

ALL_PROJECTS = "All projects"
COLUMNS = 4


class NewProjectDialog(QDialog):
    """A name; the core creates it, and a refusal (bad or taken name) is shown inline, the dialog kept open."""

    def __init__(self, create: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newProjectDialog")
        self.setWindowTitle("New project")
        fit_dialog(self)
        self._create = create
        self.name = named(QLineEdit(), "newProjectName")
        self.name.setPlaceholderText("vision/detection")
        self.error = named(QLabel(), "newProjectError")
        self.error.setStyleSheet("color: #dc322f")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons, self.create_button = accept_cancel(self, "CREATE", "createProjectButton")
        buttons.accepted.disconnect()
        buttons.accepted.connect(self._on_create)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow(self.error)
        form.addRow(buttons)

    def _on_create(self) -> None:
        try:
            self._create(self.name.text())
        except TaskTuneError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()


class ProjectsPage(QWidget):
    """Emits `project_requested(name or None)` when a card is clicked."""

    project_requested = Signal(object)

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.setObjectName("projectsPage")
        self.core = core
        self.cards: list[ProjectCard] = []
        self.search = named(QLineEdit(), "projectSearch")
        self.search.setPlaceholderText("Search projects")
        self.search.textChanged.connect(self._on_search_changed)
        self.new_button = named(QPushButton("+ New project"), "newProjectButton")
        self.new_button.clicked.connect(self._on_new_clicked)
        self.grid = QGridLayout()
        holder = QWidget()
        inner = QVBoxLayout(holder)
        inner.addLayout(self.grid)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.last_dialog: NewProjectDialog | None = None
        self._summaries: list[ProjectSummary] = []

    def refresh(self, summaries: list[ProjectSummary] | None = None) -> None:
        self._summaries = summaries if summaries is not None else self.core.projects.summaries()
        self._fill()

    def _fill(self) -> None:
        summaries = self._summaries
        needle = self.search.text().strip().lower()
        totals: dict[str, int] = {}
        for summary in summaries:
            for status, number in summary.counts.items():
                totals[status] = totals.get(status, 0) + number
        latest = max((s.last_update for s in summaries), default=None)
        cards = [ProjectCard(ALL_PROJECTS, None, totals, latest)] if not needle else []
        cards += [ProjectCard(s.name, s.name, s.counts, s.last_update) for s in summaries if needle in s.name.lower()]
        for card in cards:
            card.activated.connect(self.project_requested.emit)
        self.cards = cards
        fill_grid(self.grid, list(cards), COLUMNS)

    def card(self, title: str) -> ProjectCard:
        return next(c for c in self.cards if c.title == title)

    def _on_search_changed(self) -> None:
        self._fill()  # the search runs over the summaries already read

    def _on_new_clicked(self) -> None:
        self.last_dialog = NewProjectDialog(self.core.projects.create, self)
        self.last_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a child of the page: freed when closed
        self.last_dialog.open()
