"""The model table's model: the paged table over the core's model rows, filtered by project and search."""

from __future__ import annotations

from typing import Any

from tasktune_gui.core.api import Core
from tasktune_gui.core.events import Change
from tasktune_gui.core.row_sources import ModelRow, ModelRows
from tasktune_gui.ui.common.paged_table import Column, PagedTableModel

MODEL_COLUMNS = (Column("NAME", "name"), Column("ID", "id"), Column("PROJECT", "project", False),
                 Column("FRAMEWORK", "framework"), Column("URI", "uri"),
                 Column("TASK", "task_id", False), Column("CREATED", "created"))


class ModelTableModel(PagedTableModel):
    """Filters (project, search) and order run in SQL; only the pages shown are held."""

    source: ModelRows

    def __init__(self, core: Core, project: str | None = None, search: str = "", load: bool = True) -> None:
        """With `load=False` nothing is counted until `set_filter`."""
        super().__init__(ModelRows(core, project, search), MODEL_COLUMNS, load)

    def set_filter(self, project: str | None, search: str) -> None:
        self.source.project, self.source.search = project, search
        self.reload()

    def model_id(self, row: int) -> str | None:
        return self.row_id(row)

    def raw(self, row: ModelRow, column: Column) -> Any:
        return row.project if column.field == "project" else getattr(row.model, column.field)

    def on_change(self, change: Change) -> None:
        """A new or deleted model recounts; an edited one repaints the rows shown."""
        if change.kind != "model":
            return
        if change.action in ("created", "deleted"):
            self.reload()
            return
        self._pages.clear()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, self.columnCount() - 1))
