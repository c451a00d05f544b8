"""How a running task's setup step reads in the window: "Running · environment 0:34"."""

from __future__ import annotations

from datetime import UTC, datetime

from tasktune_gui.ui.common.durations import hms, seconds_between

TICK_MS = 1000  # the elapsed time is redrawn once a second while a shown task is in its setup


def elapsed(since: datetime, now: datetime | None = None) -> str:
    """m:ss, or h:mm:ss past an hour."""
    seconds = seconds_between(since, now)
    return hms(seconds) if seconds >= 3600 else f"{seconds // 60}:{seconds % 60:02d}"


def setup_text(step: str, since: datetime | str | None) -> str:
    """ "environment 0:34" for a step under way; "" when there is none."""
    if not step or since is None:
        return ""
    started = datetime.fromisoformat(since) if isinstance(since, str) else since
    if started.tzinfo is None:  # SQLite gives back naive UTC
        started = started.replace(tzinfo=UTC)
    return f"{step} {elapsed(started)}"


def status_text(status: str, step: str, since: datetime | str | None, reason: str = "") -> str:
    """The status as the table shows it: with the setup step while a running task is still being set up, and
    with why a pending one waits when something says (Slurm's pending reason)."""
    label = status.capitalize()
    setup = setup_text(step, since) if status == "running" else ""
    if status == "pending" and reason:
        return f"{label} · {reason}"
    return f"{label} · {setup}" if setup else label
