"""Clickable project cards: a name, task counts by status in their colours, and the last update."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from tasktune_gui.core.status import Status
from tasktune_gui.ui.common.palette import status_colour

CARD_WIDTH = 240
COUNTS_PER_LINE = 2  # "12 Completed · 3 Failed" fits a card's width; a third would be cut


def when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "never"


def counts_html(counts: dict[str, int]) -> str:
    """'3 Completed · 1 Failed', each status in its colour, in the order of the lifecycle, two to a line.

    The lines are broken here, not by the label: a word-wrapped label in a card is given the height of its
    unwrapped text, and its last line was cut off."""
    parts = [f'<span style="color:{status_colour(s.value)}">{counts[s.value]} {s.label}</span>'
             for s in Status if counts.get(s.value)]
    lines = [" · ".join(parts[i:i + COUNTS_PER_LINE]) for i in range(0, len(parts), COUNTS_PER_LINE)]
    return "<br>".join(lines) if lines else "no tasks"


class ProjectCard(QFrame):
    """One project (or every project, when `project` is None); a click emits `activated(project)`."""

    activated = Signal(object)

    def __init__(self, title: str, project: str | None, counts: dict[str, int], last_update: datetime | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("projectCard")
        self.project = project
        self.title = title
        self.counts = counts
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedWidth(CARD_WIDTH)
        total = sum(counts.values())
        heading = QLabel(f"<b>{title}</b>")
        heading.setObjectName("cardTitle")
        self.counts_label = QLabel(f"{total} task{'s' if total != 1 else ''}<br>{counts_html(counts)}")
        self.counts_label.setObjectName("cardCounts")
        self.updated_label = QLabel(f"Updated {when(last_update)}")
        self.updated_label.setObjectName("cardUpdated")
        layout = QVBoxLayout(self)
        for label in (heading, self.counts_label, self.updated_label):
            layout.addWidget(label)
        self.setToolTip(f"Open the tasks of {title}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.activated.emit(self.project)
        super().mouseReleaseEvent(event)


def fill_grid(grid: QGridLayout, cards: list[ProjectCard], columns: int) -> None:
    """Replace what the grid holds with these cards, `columns` to a row."""
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
    for i, card in enumerate(cards):
        grid.addWidget(card, i // columns, i % columns, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    grid.setColumnStretch(columns, 1)  # the room left over goes after the cards, not between them
