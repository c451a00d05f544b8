"""The window on a 1,000,000-task database (JSON): process start → shown and responsive, switch project / sort /
filter until repainted, resident memory.

Goals: start < 1000 ms, each switch/sort/filter < 150 ms, resident memory < 300 MB. The database is
bench_list.py's (built once into bench/out/, reused by both); `--tasks 20000` for a quick run. The window runs
in a child process (offscreen unless `--platform xcb` under Xvfb) so its start-up is timed from a cold process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_list import PROJECT, build
from common import OUT, emit, summary

START_GOAL_MS = 1000
REPAINT_GOAL_MS = 150
RSS_GOAL_MB = 300
OTHER_PROJECT = "project-13"


def child(url: str, repeat: int) -> dict[str, Any]:
    """Runs in the child process: build the window, show it, then time the operations."""
    imported = time.time()
    import psutil
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tasktune_gui.core.api import Core
    from tasktune_gui.core.settings import Settings
    from tasktune_gui.ui.main_window import PAGES, MainWindow
    from tasktune_gui.ui.task_table_model import COLUMNS

    app = QApplication(sys.argv[:1])
    # No demo seeding and no embedded worker: the database is the benchmark's, untouched.
    window = MainWindow(Core.open(url), Settings(embedded_worker=False),
                        Path(tempfile.mkdtemp(prefix="tasktune-bench-")) / "window.ini")
    window.show()
    responsive: list[float] = []
    QTimer.singleShot(0, lambda: responsive.append(time.time()))  # runs once the shown window's events are done
    while not responsive:
        app.processEvents()
    table = window.tasks_page.table

    def until_repainted(action: Any) -> float:
        start = time.perf_counter()
        action()
        app.processEvents()
        table.viewport().repaint()  # paints now: the visible rows are fetched and drawn
        return (time.perf_counter() - start) * 1000

    def field(name: str) -> int:
        return [c.field for c in COLUMNS].index(name)

    from PySide6.QtCore import Qt

    def type_and_apply(text: str) -> None:
        window.tasks_page.search.setText(text)
        window.tasks_page.filters.flush()  # as Enter does; typing waits for a pause first

    window.navigation.setCurrentRow(PAGES.index("Tasks"))
    first_table = until_repainted(lambda: window.open_project(None))
    switch, sort, status_filter, search = [], [], [], []
    for i in range(repeat):
        switch.append(until_repainted(lambda i=i: window.open_project(PROJECT if i % 2 else OTHER_PROJECT)))
    window.open_project(PROJECT)
    for i in range(repeat):
        column, order = [(field("name"), Qt.SortOrder.AscendingOrder), (field("status"), Qt.SortOrder.AscendingOrder),
                         (field("last_update"), Qt.SortOrder.DescendingOrder)][i % 3]
        sort.append(until_repainted(lambda c=column, o=order: table.sortByColumn(c, o)))
    combo = window.tasks_page.status_filter
    for i in range(repeat):
        index = combo.findData("completed") if i % 2 == 0 else 0
        status_filter.append(until_repainted(lambda index=index: combo.setCurrentIndex(index)))
    for i in range(repeat):
        text = f"run {i + 1}" if i % 2 == 0 else ""
        search.append(until_repainted(lambda text=text: type_and_apply(text)))
    type_and_apply("")
    window.open_project(None)
    all_sorted = until_repainted(lambda: table.sortByColumn(field("name"), Qt.SortOrder.AscendingOrder))
    all_filtered = until_repainted(lambda: combo.setCurrentIndex(combo.findData("failed")))
    rss_mb = psutil.Process().memory_info().rss / 2**20
    window.close()
    window.core.close()
    return {"imported_at": imported, "responsive_at": responsive[0], "first_table_ms": first_table,
            "switch": switch, "sort": sort, "status_filter": status_filter, "search": search,
            "all_projects_sort_by_name_ms": all_sorted, "all_projects_status_filter_ms": all_filtered,
            "rss_mb": rss_mb, "rows_shown": window.model.rowCount()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000, help="tasks in the database")
    parser.add_argument("--repeat", type=int, default=12, help="timed runs of each operation")
    parser.add_argument("--starts", type=int, default=3, help="cold process starts")
    parser.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM for the window")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(child(options.child, options.repeat)))
        return
    OUT.mkdir(exist_ok=True)
    path = OUT / f"list-{options.tasks}.db"
    build_seconds = None if path.exists() else build(path, options.tasks)
    env = {**os.environ, "QT_QPA_PLATFORM": options.platform}
    runs = []
    for _ in range(options.starts):
        started = time.time()
        out = subprocess.run([sys.executable, __file__, "--child", f"sqlite:///{path}", "--repeat",
                              str(options.repeat)], env=env, capture_output=True, text=True, check=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        figures["start_ms"] = (figures["responsive_at"] - started) * 1000
        figures["interpreter_and_imports_ms"] = (figures["imported_at"] - started) * 1000
        runs.append(figures)
    last = runs[-1]
    result: dict[str, Any] = {
        "benchmark": "window",
        "tasks": options.tasks,
        "platform": options.platform,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "build_seconds": round(build_seconds, 1) if build_seconds is not None else "cached",
        "start_to_responsive": summary([r["start_ms"] for r in runs], START_GOAL_MS),
        "interpreter_and_core_imports_ms": round(min(r["interpreter_and_imports_ms"] for r in runs), 1),
        "first_all_projects_table_ms": round(last["first_table_ms"], 1),
        "switch_project": summary([x for r in runs for x in r["switch"]], REPAINT_GOAL_MS),
        "sort_in_project": summary([x for r in runs for x in r["sort"]], REPAINT_GOAL_MS),
        "status_filter_in_project": summary([x for r in runs for x in r["status_filter"]], REPAINT_GOAL_MS),
        "search_in_project": summary([x for r in runs for x in r["search"]], REPAINT_GOAL_MS),
        "all_projects_sort_by_name_ms": round(last["all_projects_sort_by_name_ms"], 1),
        "all_projects_status_filter_ms": round(last["all_projects_status_filter_ms"], 1),
        "rss_mb": {"max": round(max(r["rss_mb"] for r in runs), 1), "goal_mb": RSS_GOAL_MB,
                   "ok": max(r["rss_mb"] for r in runs) < RSS_GOAL_MB},
    }
    result["ok"] = all(v["ok"] for v in result.values() if isinstance(v, dict))
    emit(result)


if __name__ == "__main__":
    main()
