"""The CONSOLE tab: a task's output as it arrives, painted a screen at a time."""
