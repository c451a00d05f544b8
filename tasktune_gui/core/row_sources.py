"""What the window's paged tables read: a count and pages of rows of one query, in the order asked, from the core."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from tasktune_gui.core.models import Model
from tasktune_gui.core.overview import ExtraColumn
from tasktune_gui.core.task_rows import Row, fetch_rows
from tasktune_gui.core.tasks import TaskQuery

if TYPE_CHECKING:
    from tasktune_gui.core.api import Core


class RowSource(Protocol):
    """A table's rows as the database keeps them: counted, read a page at a time, sorted by a field."""

    def count(self) -> int: ...

    def page(self, offset: int, limit: int) -> list[Any]: ...

    def order(self, field: str, descending: bool) -> None: ...

    def row_id(self, row: Any) -> str: ...


@dataclass
class TaskRows:
    """The task table's rows: a query's tasks with project names, tags and the extra columns a person added."""

    core: Core
    query: TaskQuery
    extra: list[ExtraColumn] = field(default_factory=list)

    def count(self) -> int:
        return self.core.tasks.count(self.query)

    def page(self, offset: int, limit: int) -> list[Row]:
        return fetch_rows(self.core, replace(self.query, limit=limit, offset=offset), self.extra)

    def order(self, field: str, descending: bool) -> None:
        self.query = replace(self.query, order_by=field, descending=descending)

    def row_id(self, row: Row) -> str:
        return row.task.id


@dataclass(frozen=True)
class ModelRow:
    model: Model
    project: str


@dataclass
class ModelRows:
    """The model table's rows: models of a project (or all) whose name or id holds `search`, newest first."""

    core: Core
    project: str | None = None
    search: str = ""
    order_by: str = "created"
    descending: bool = True

    def count(self) -> int:
        return self.core.models.count(self.project, self.search)

    def page(self, offset: int, limit: int) -> list[ModelRow]:
        found = self.core.models.query(self.project, self.search, self.order_by, self.descending, limit, offset)
        return [ModelRow(model, project) for model, project in found]

    def order(self, field: str, descending: bool) -> None:
        self.order_by, self.descending = field, descending

    def row_id(self, row: ModelRow) -> str:
        return row.model.id
