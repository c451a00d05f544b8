"""SQLite's plan for the statements an action runs: how tests and benchmarks check that an index is read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def last_select_plan(engine: Engine, action: Callable[[], object]) -> list[str]:
    """EXPLAIN QUERY PLAN of the last SELECT that `action` runs, exactly as the core sends it (SQLite only)."""
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    statement, parameters = seen[-1]
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return [str(row[-1]) for row in rows]
