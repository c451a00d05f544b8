"""Shared by the benchmarks: timing, percentiles, a temporary Core, a committed repository, query plans, and JSON
output."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasktune_gui.core.api import Core  # noqa: E402
from tasktune_gui.core.query_plan import last_select_plan  # noqa: E402
from tests.support.git import git, make_repo  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def temp_core() -> Core:
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-"))
    return Core.open(f"sqlite:///{folder / 'tasktune.db'}")


def committed_repo(root: Path, files: Mapping[str, str | bytes]) -> tuple[Path, str]:
    """The tests' repository factory (a repository at `root` whose one commit holds `files`), under a bench identity
    where git has none; the repository and its commit."""
    for variable, value in (("GIT_AUTHOR_NAME", "bench"), ("GIT_AUTHOR_EMAIL", "bench@example.org"),
                            ("GIT_COMMITTER_NAME", "bench"), ("GIT_COMMITTER_EMAIL", "bench@example.org")):
        os.environ.setdefault(variable, value)
    make_repo(root, files)
    return root, git(root, "rev-parse", "HEAD")


def time_ms(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float], goal_ms: float) -> dict[str, Any]:
    """Median, 90th percentile (nearest rank) and minimum; "ok" when the median meets the goal."""
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, max(0, -(-len(ordered) * 9 // 10) - 1))]
    median = statistics.median(ordered)
    return {"median_ms": round(median, 3), "p90_ms": round(p90, 3), "min_ms": round(ordered[0], 3),
            "runs": len(ordered), "goal_ms": goal_ms, "ok": median < goal_ms}


def query_plan(core: Core, action: Callable[[], object]) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN of the last SELECT that `action` runs, exactly as the core sends it."""
    return last_select_plan(core.store.engine, action)


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, indent=2))


def percentiles(name: str, samples: list[float], goal_p50_ms: float, goal_p99_ms: float) -> dict[str, Any]:
    """p50 and p99 (nearest rank) of latency samples, against their goals."""
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, max(0, -(-len(ordered) * 99 // 100) - 1))]
    return {"benchmark": name, "tasks": len(ordered), "p50_ms": round(p50, 2), "p99_ms": round(p99, 2),
            "max_ms": round(ordered[-1], 2), "goal_p50_ms": goal_p50_ms, "goal_p99_ms": goal_p99_ms,
            "ok": p50 < goal_p50_ms and p99 < goal_p99_ms}


def worker_process(db_url: str, queue: str, cache: Path) -> Any:
    """`tasktune worker --queue Q` in its own process (a machine of the lab, as far as the database can tell)."""
    import subprocess

    return subprocess.Popen(
        [sys.executable, "-m", "tasktune_gui.cli.main", "--db", db_url, "worker", "--queue", queue,
         "--cache-dir", str(cache)],
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def postgres_databases(given: str | None, bench: str) -> Iterator[Callable[[], str]]:
    """What makes a database for each part of a benchmark: the URL given (`--pg`, a superuser's, each time), or a
    new database on a throwaway PostgreSQL cluster started here as the tests start theirs, and removed after."""
    if given is not None:
        yield lambda: given
        return
    from tests.support.postgres import PostgresCluster, find_postgres_bin

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        raise SystemExit(f"{bench}: no PostgreSQL here (apt-get install postgresql) and no --pg URL")
    cluster = PostgresCluster(bin_dir, Path(tempfile.mkdtemp(prefix="tasktune-bench-pg-")))
    cluster.start()
    try:
        yield cluster.new_database
    finally:
        cluster.stop()
        shutil.rmtree(cluster.folder, ignore_errors=True)
