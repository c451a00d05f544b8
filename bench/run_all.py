"""Run the clone, list, pop and soak benchmarks one after another and print one JSON object with all their figures."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {"clone": "bench_clone.py", "list": "bench_list.py", "pop": "bench_pop.py", "soak": "bench_soak.py"}


def run(script: str, extra: list[str]) -> dict[str, object]:
    """One benchmark in its own process (its own database, nothing shared); its JSON, or why it failed."""
    done = subprocess.run([sys.executable, str(HERE / script), *extra], cwd=HERE, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        return {"ok": False, "error": f"exit code {done.returncode}", "stderr": done.stderr.strip()[-2000:]}
    try:
        parsed: dict[str, object] = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"ok": False, "error": "no JSON on stdout", "stdout": done.stdout.strip()[-2000:]}
    return parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--list-tasks", type=int, help="tasks in the list benchmark's database (default: its own)")
    options = parser.parse_args()
    started = time.perf_counter()
    results: dict[str, object] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }
    for name, script in BENCHMARKS.items():
        extra = ["--tasks", str(options.list_tasks)] if name == "list" and options.list_tasks else []
        results[name] = run(script, extra)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["ok"] = all(isinstance(r, dict) and r.get("ok") is True for n, r in results.items() if n in BENCHMARKS)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
