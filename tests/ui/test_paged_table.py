"""The task and model tables read their cells the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tasktune_gui.ui.common.paged_table import cell_text

NOON = datetime(2026, 1, 2, 12, 30, 59, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "text"), [
    (None, ""), (0, "0"), ("resnet50", "resnet50"), (NOON, NOON.astimezone().strftime("%Y-%m-%d %H:%M")),
])
def test_cells_read_alike_in_every_table(raw: Any, text: str) -> None:
    assert cell_text(raw) == text
