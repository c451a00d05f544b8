"""The command line's own error and message form, apart from the core so `tasktune` alone starts light."""

from __future__ import annotations


class UsageError(Exception):
    """A command line that cannot be carried out as written (exit 2); nothing was changed."""


def one_line(message: str) -> str:
    """A message as one line: a newline in a value the user typed must not split the error in two."""
    return " ".join(message.split()) or "failed"
