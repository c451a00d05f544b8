"""Failures of the steps before a task's process starts, each naming its step as the task's status reason."""

from __future__ import annotations

from tasktune_gui.core.errors import TaskTuneError


class StepFailed(TaskTuneError):
    """A preparation step failed: `reason` is the short status reason, `detail` the tool's own words."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

