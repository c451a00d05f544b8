"""Export of the task table to CSV: the selected rows, or every row the filters let through, as shown."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

from tasktune_gui.core.task_rows import Row
from tasktune_gui.ui.tasks.task_table_model import TaskTableModel, display

CHUNK = 5000  # rows read per query when exporting every filtered row; nothing is cached


def export_csv(model: TaskTableModel, path: Path, columns: list[int], rows: list[int] | None = None) -> int:
    """Write `columns` (logical indexes, in the order shown) of `rows` (None: all filtered rows); the count.

    The file appears complete or not at all: it is written beside the target and renamed into place.
    """
    chosen = [model.column(c) for c in columns]
    partial = path.with_name(path.name + ".part")
    written = 0
    try:
        with partial.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow([c.title for c in chosen])
            for row in _rows(model, rows):
                writer.writerow([display(row, c) for c in chosen])
                written += 1
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _rows(model: TaskTableModel, numbers: list[int] | None) -> Iterator[Row]:
    if numbers is not None:
        yield from (r for n in numbers if (r := model.row(n)) is not None)
        return
    offset = 0
    while True:
        page = model.source.page(offset, CHUNK)
        yield from page
        if len(page) < CHUNK:
            return
        offset += CHUNK
