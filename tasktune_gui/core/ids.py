"""Short, unique, copyable ids for tasks, models and workers."""

from __future__ import annotations

import secrets


def new_id() -> str:
    """16 hex digits (64 random bits): short enough to copy, collision-free at millions of tasks."""
    return secrets.token_hex(8)
