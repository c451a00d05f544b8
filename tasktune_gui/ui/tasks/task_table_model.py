"""The task table's model: the paged table over the core's task rows, with the columns a person adds and live rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from tasktune_gui.core.api import Core
from tasktune_gui.core.events import Change
from tasktune_gui.core.models import Task
from tasktune_gui.core.overview import ExtraColumn
from tasktune_gui.core.row_sources import TaskRows
from tasktune_gui.core.task_rows import Row
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.common.durations import clock
from tasktune_gui.ui.common.paged_table import PAGE, Column, PagedTableModel, cell_text
from tasktune_gui.ui.common.palette import status_colour
from tasktune_gui.ui.common.setup_status import TICK_MS, status_text

RECOUNT_MS = 200

COLUMNS = (
    Column("ID", "id"), Column("TYPE", "type"), Column("NAME", "name"), Column("TAGS", "tags", False),
    Column("STATUS", "status"), Column("PROJECT", "project", False), Column("USER", "user"),
    Column("STARTED", "started"), Column("UPDATED", "last_update"), Column("ITERATION", "last_iteration"),
    Column("DESCRIPTION", "description", False), Column("RUN TIME", "run_time", False),
    Column("PARENT", "parent_id"),
)


def run_time(task: Task) -> str:
    """How long it ran (or has been running): '1:02:03'."""
    if task.started is None:
        return ""
    return clock(task.started, task.completed)


def display(row: Row, column: Column | ExtraColumn) -> str:
    """The text a cell shows (and a CSV export writes)."""
    if isinstance(column, ExtraColumn):
        return row.extras.get(column.key, "")
    raw = raw_value(row, column)
    if column.field == "status":
        return status_text(str(raw), row.task.setup_step, row.task.setup_started, row.task.status_reason)
    return cell_text(raw)


def raw_value(row: Row, column: Column) -> Any:
    computed = {"project": row.project, "tags": row.tags, "run_time": run_time(row.task)}
    return computed.get(column.field, getattr(row.task, column.field, None))


def in_setup(row: Row) -> bool:
    return row.task.status == "running" and bool(row.task.setup_step)


class TaskTableModel(PagedTableModel):
    """The tasks of a query; changed rows repaint, new and deleted tasks recount, setup steps count their seconds."""

    recount_started = Signal()  # new or deleted tasks: the count is read again (a reset), views keep their place
    recount_done = Signal(int)  # the row count before
    source: TaskRows

    def __init__(self, core: Core, query: TaskQuery | None = None, load: bool = True) -> None:
        """With `load=False` nothing is read until `ensure_loaded` or `set_query` (a window starts on its
        dashboard: counting a million tasks for a table not yet shown would only delay it)."""
        super().__init__(TaskRows(core, query or TaskQuery()), COLUMNS, load)
        self.core = core
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.timeout.connect(self.recount)
        # While a shown task is in its setup, its status cell counts the seconds ("Running · environment 0:34").
        self._setup_tick = QTimer(self)
        self._setup_tick.setInterval(TICK_MS)
        self._setup_tick.timeout.connect(self._on_setup_tick_timeout)

    @property
    def query(self) -> TaskQuery:
        return self.source.query

    @property
    def extra(self) -> list[ExtraColumn]:
        """Columns the user added, after the fixed ones."""
        return self.source.extra

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.set_query(self.query)

    def set_query(self, query: TaskQuery) -> None:
        self.source.query = query
        self.reload()

    def recount(self) -> None:
        before = self._count
        self.recount_started.emit()
        self.reload()
        self.recount_done.emit(before)

    def page_read(self, rows: list[Row]) -> None:
        if not self._setup_tick.isActive() and any(in_setup(row) for row in rows):
            self._setup_tick.start()

    def _on_setup_tick_timeout(self) -> None:
        status = [c.field for c in COLUMNS].index("status")
        shown = [page * PAGE + i for page, rows in self._pages.items() for i, row in enumerate(rows) if in_setup(row)]
        if not shown:
            self._setup_tick.stop()
            return
        for number in shown:
            index = self.index(number, status)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def column(self, section: int) -> Column | ExtraColumn:
        return COLUMNS[section] if section < len(COLUMNS) else self.extra[section - len(COLUMNS)]

    def add_extra_column(self, column: ExtraColumn) -> None:
        """A hyperparameter or last-metric column, filled by SQL for each page; a second add is ignored."""
        if any(c.key == column.key for c in self.extra):
            return
        position = len(COLUMNS) + len(self.extra)
        self.beginInsertColumns(QModelIndex(), position, position)
        self.extra.append(column)
        self._pages.clear()
        self.endInsertColumns()

    def remove_extra_column(self, key: str) -> None:
        found = [i for i, c in enumerate(self.extra) if c.key == key]
        if not found:
            return
        position = len(COLUMNS) + found[0]
        self.beginRemoveColumns(QModelIndex(), position, position)
        del self.extra[found[0]]
        self._pages.clear()
        self.endRemoveColumns()

    def find_row(self, task_id: str, pages: int = 2) -> int | None:
        """The row of `task_id` within the first `pages` pages (a new task sorts first by last update)."""
        for number in range(min(self._count, pages * PAGE)):
            if self.row_id(number) == task_id:
                return number
        return None

    def task_id(self, number: int) -> str | None:
        return self.row_id(number)

    def on_change(self, change: Change) -> None:
        """Refresh in place: changed rows repaint; created or deleted tasks recount."""
        if change.kind != "task" or not self.loaded:
            return
        if change.action in ("created", "deleted"):
            # Recounted once for a burst: a hundred tasks created at once must not reset the view a hundred times.
            if not self._recount.isActive():
                self._recount.start(RECOUNT_MS)
            return
        loaded = {row.task.id: (page, i) for page, rows in self._pages.items() for i, row in enumerate(rows)}
        for task_id in change.ids:
            if task_id in loaded:
                page, i = loaded[task_id]
                self._pages.pop(page, None)
                first = self.index(page * PAGE, 0)
                last = self.index(min(self._count, (page + 1) * PAGE) - 1, self.columnCount() - 1)
                self.dataChanged.emit(first, last)

    # What a cell shows

    def raw(self, row: Row, column: Column | ExtraColumn) -> Any:
        return raw_value(row, column) if isinstance(column, Column) else display(row, column)

    def text(self, row: Row, column: Column | ExtraColumn) -> str:
        return display(row, column)

    def styled(self, row: Row, column: Column | ExtraColumn, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(column, Column) and column.field == "status":
            return QColor(status_colour(row.task.status))
        return None

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS) + len(self.extra)
