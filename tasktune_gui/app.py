"""Composition root: opens the database, seeds the demo on first start and starts the app."""

from __future__ import annotations

import sys

from tasktune_gui.core.api import Core
from tasktune_gui.core.store import default_db_url


def open_core(db_url: str | None = None, seed: bool = True) -> Core:
    """The Core over the given (or default) database, with the demo project on first start."""
    core = Core.open(db_url or default_db_url())
    if seed:
        from tasktune_gui.core.demo import seed_demo

        seed_demo(core)
    return core


def run(db_url: str | None = None) -> int:
    """Start TaskTune. Until the window lands, this greets the user with what the database holds."""
    core = open_core(db_url)
    try:
        projects = core.projects.summaries()
        out = sys.stdout
        out.write(f"TaskTune on {core.store.display_name}\n")
        for project in projects:
            total = sum(project.counts.values())
            by_status = ", ".join(f"{n} {s}" for s, n in sorted(project.counts.items()))
            out.write(f"  {project.name}: {total} task(s){' (' + by_status + ')' if by_status else ''}\n")
        out.write("Try: tasktune list --project Demo   ·   tasktune show ID   ·   tasktune --help\n")
    finally:
        core.close()
    return 0
