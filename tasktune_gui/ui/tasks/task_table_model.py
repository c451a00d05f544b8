"""The task table's model: a count and pages of rows fetched from SQL on demand, sorted in the database."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from sqlmodel import col, select

from tasktune_gui.core.api import Core
from tasktune_gui.core.events import Change
from tasktune_gui.core.models import Project, Task, TaskTag
from tasktune_gui.core.overview import ExtraColumn
from tasktune_gui.core.tasks import TaskQuery
from tasktune_gui.ui.common.durations import clock
from tasktune_gui.ui.common.palette import status_colour
from tasktune_gui.ui.common.setup_status import TICK_MS, status_text

PAGE = 200
RECOUNT_MS = 200
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    title: str
    field: str  # Task attribute, or a computed one below
    sortable: bool = True


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


@dataclass(frozen=True)
class Row:
    task: Task
    project: str
    tags: str
    extras: dict[str, str]  # ExtraColumn.key → value


def display(row: Row, column: Column | ExtraColumn) -> str:
    """The text a cell shows (and a CSV export writes)."""
    if isinstance(column, ExtraColumn):
        return row.extras.get(column.key, "")
    raw = raw_value(row, column)
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.astimezone().strftime("%Y-%m-%d %H:%M")
    if column.field == "status":
        return status_text(str(raw), row.task.setup_step, row.task.setup_started)
    return str(raw)


def raw_value(row: Row, column: Column) -> Any:
    computed = {"project": row.project, "tags": row.tags, "run_time": run_time(row.task)}
    return computed.get(column.field, getattr(row.task, column.field, None))


def in_setup(row: Row) -> bool:
    return row.task.status == "running" and bool(row.task.setup_step)


def fetch_rows(core: Core, query: TaskQuery, extra: list[ExtraColumn]) -> list[Row]:
    """Rows for one page of `query` (its limit/offset): tasks, project names, tags and the extra columns."""
    tasks = core.tasks.query(query)
    ids = [t.id for t in tasks]
    with core.store.read() as session:
        projects = dict(session.exec(select(Project.id, Project.name)).all())
        tags: dict[str, list[str]] = {}
        for task_id, tag in session.exec(
            select(TaskTag.task_id, TaskTag.tag).where(col(TaskTag.task_id).in_(ids)).order_by(TaskTag.tag)
        ).all():
            tags.setdefault(task_id, []).append(tag)
    values = core.overview.column_values(ids, extra) if extra else {}
    return [Row(t, projects.get(t.project_id, ""), ", ".join(tags.get(t.id, [])),
                {c.key: values.get((t.id, c.key), "") for c in extra}) for t in tasks]


class TaskTableModel(QAbstractTableModel):
    """Holds the row count and the pages it has shown; a header click re-runs the query with ORDER BY."""

    recount_started = Signal()  # new or deleted tasks: the count is read again (a reset), views keep their place
    recount_done = Signal(int)  # the row count before

    def __init__(self, core: Core, query: TaskQuery | None = None, load: bool = True) -> None:
        """With `load=False` nothing is read until `ensure_loaded` or `set_query` (a window starts on its
        dashboard: counting a million tasks for a table not yet shown would only delay it)."""
        super().__init__()
        self.core = core
        self.query = query or TaskQuery()
        self.extra: list[ExtraColumn] = []  # columns the user added, after the fixed ones
        self._count = 0
        self._pages: dict[int, list[Row]] = {}
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.timeout.connect(self.recount)
        # While a shown task is in its setup, its status cell counts the seconds ("Running · environment 0:34").
        self._setup_tick = QTimer(self)
        self._setup_tick.setInterval(TICK_MS)
        self._setup_tick.timeout.connect(self._on_setup_tick_timeout)
        self.loaded = False
        if load:
            self._refresh()

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.set_query(self.query)

    # Queries

    def set_query(self, query: TaskQuery) -> None:
        self.beginResetModel()
        self.query = query
        self._refresh()
        self.endResetModel()

    def recount(self) -> None:
        before = self._count
        self.recount_started.emit()
        self.set_query(self.query)
        self.recount_done.emit(before)

    def _refresh(self) -> None:
        self.loaded = True
        self._count = self.core.tasks.count(self.query)
        self._pages.clear()

    def _page(self, number: int) -> list[Row]:
        if number not in self._pages:
            rows = self._pages[number] = fetch_rows(self.core, replace(self.query, limit=PAGE, offset=number * PAGE),
                                                    self.extra)
            if not self._setup_tick.isActive() and any(in_setup(row) for row in rows):
                self._setup_tick.start()
        return self._pages[number]

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

    def row(self, number: int) -> Row | None:
        page = self._page(number // PAGE)
        offset = number % PAGE
        return page[offset] if offset < len(page) else None

    def find_row(self, task_id: str, pages: int = 2) -> int | None:
        """The row of `task_id` within the first `pages` pages (a new task sorts first by last update)."""
        for number in range(min(self._count, pages * PAGE)):
            row = self.row(number)
            if row is not None and row.task.id == task_id:
                return number
        return None

    def task_id(self, number: int) -> str | None:
        row = self.row(number)
        return row.task.id if row else None

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

    # QAbstractTableModel

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS) + len(self.extra)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.column(section).title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        if row is None:
            return None
        column = self.column(index.column())
        if role == ID_ROLE:
            return row.task.id
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(column, Column) and column.field == "status":
            return QColor(status_colour(row.task.status))
        if role == SORT_ROLE:
            return raw_value(row, column) if isinstance(column, Column) else display(row, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return display(row, column)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        chosen = self.column(column)
        if not isinstance(chosen, Column) or not chosen.sortable:
            return
        self.layoutAboutToBeChanged.emit()
        self.query = replace(self.query, order_by=chosen.field,
                             descending=order == Qt.SortOrder.DescendingOrder)
        self._pages.clear()
        self.layoutChanged.emit()
