"""How long something ran, as the window shows it: h:mm:ss."""

from __future__ import annotations

from datetime import UTC, datetime


def seconds_between(start: datetime, end: datetime | None = None) -> int:
    """Whole seconds from `start` to `end` (now when None), never negative; naive times are UTC (SQLite's)."""
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    end = end or datetime.now(UTC)
    end = end if end.tzinfo else end.replace(tzinfo=UTC)
    return max(0, int((end - start).total_seconds()))


def hms(seconds: int) -> str:
    """'1:02:03'; hours are not capped."""
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def clock(start: datetime, end: datetime | None = None) -> str:
    """h:mm:ss from `start` to `end`, or to now while it runs."""
    return hms(seconds_between(start, end))
