"""Capture fidelity: what `create` records for a corpus of scripts (argparse, click, typer, Hydra, absl) against
what the libraries themselves report, asked in a throwaway virtual environment. Prints JSON.

Goal: 95 % of options recorded with the right default."""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from capture_corpus import CORPUS
from common import committed_repo, emit

from tasktune_gui.core.capture import capture
from tasktune_gui.core.errors import TaskTuneError

GOAL = 0.95
LIBRARIES = ["click", "typer", "hydra-core", "absl-py"]
TRUTH = Path(__file__).with_name("capture_truth.py")


def ensure_venv(folder: Path) -> Path:
    """A virtual environment with the libraries, made once (pip, by package name) and reused."""
    python = folder / "bin" / "python"
    if not (folder / ".ready").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *LIBRARIES], check=True)
        (folder / ".ready").write_text("ok\n")
    return python


def recorded(root: Path, script: str) -> tuple[dict[str, str], set[str], str | None, str]:
    """(name → value, the names whose default only the script computes, the OmegaConf text, the INFO note)."""
    try:
        found = capture(script, cwd=root, environ={})
    except TaskTuneError as exc:
        return {}, set(), None, f"refused: {exc}"
    sections = found.hyperparameters()
    specs = {name: spec for section in ("Args", "TF_DEFINE") for name, spec in sections.get(section, {}).items()}
    computed = {name for name, spec in specs.items() if "computed by the script" in spec["description"]}
    config = found.parameters.configuration.get("OmegaConf", {}).get("value")
    return {name: spec["value"] for name, spec in specs.items()}, computed, config, found.parameters.note


def truth(python: Path, root: Path, script: str, library: str) -> dict[str, Any]:
    done = subprocess.run([str(python), str(TRUTH), script, library], cwd=root, capture_output=True, text=True,
                          timeout=120, check=False)
    line = next((line for line in done.stdout.splitlines() if line.startswith("TRUTH ")), None)
    if line is None:
        raise RuntimeError(f"{script} ({library}): no answer: {done.stderr[-2000:]}")
    return dict(json.loads(line[6:]))


def same(expected: str, got: str | None) -> bool:
    if got is None:
        return False
    if expected in ("", "[]") and got in ("", "[]"):
        return True
    try:
        return math.isclose(float(expected), float(got), rel_tol=1e-12)
    except ValueError:
        return expected == got


def leaves(tree: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(tree, dict):
        found: dict[str, str] = {}
        for key, value in tree.items():
            found.update(leaves(value, f"{prefix}{key}."))
        return found
    return {prefix.rstrip("."): json.dumps(tree)}


def compare(name: str, library: str, root: Path, script: str, python: Path) -> dict[str, Any]:
    values, computed, config, note = recorded(root, script)
    answer = truth(python, root, script, library)
    if library == "hydra":
        expected = leaves(yaml.safe_load(answer["config"] or "{}"))
        got = leaves(yaml.safe_load(config or "{}"))
    else:
        expected, got = answer["options"], values
    right = [key for key, value in expected.items() if same(value, got.get(key))]
    missed = {key: {"expected": value, "recorded": got.get(key)} for key, value in expected.items() if key not in right}
    # Defaults that depend on where the script runs (os.cpu_count(), os.environ) are left to it on purpose.
    left = [key for key in missed if got.get(key) == "" and key in computed]
    extra = sorted(set(got) - set(expected))
    return {"script": name, "library": library, "options": len(expected), "right": len(right),
            "left_to_script": len(left), "exact": not missed and not extra, "missed": missed, "extra": extra,
            "note": note}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "tasktune-bench-capture-venv",
                        help="where the libraries' environment is made (reused when it is there)")
    parser.add_argument("--without-hydra", action="store_true",
                        help="compose Hydra configs from the YAML files, as create does where Hydra is not installed")
    options = parser.parse_args()
    if options.without_hydra:
        sys.modules["hydra"] = None  # type: ignore[assignment]  # an import of it now fails, as if not installed
    python = ensure_venv(options.venv)
    results = []
    with tempfile.TemporaryDirectory(prefix="tasktune-capture-corpus-") as scratch:
        for name, library, files, script in CORPUS:
            root = Path(scratch) / name
            committed_repo(root, files)
            results.append(compare(name, library, root, script, python))
    total = sum(r["options"] for r in results)
    right = sum(r["right"] for r in results)
    by_library: dict[str, dict[str, Any]] = {}
    for result in results:
        entry = by_library.setdefault(result["library"], {"scripts": 0, "exact": 0, "options": 0, "right": 0,
                                                          "left_to_script": 0})
        for key in ("options", "right", "left_to_script"):
            entry[key] += result[key]
        entry["scripts"] += 1
        entry["exact"] += int(result["exact"])
    share = right / total if total else 0.0
    emit({"benchmark": "capture", "hydra_composed_by": "yaml files" if options.without_hydra else "hydra",
          "scripts": len(results),
          "scripts_exact_share": round(sum(r["exact"] for r in results) / len(results), 3),
          "options": total, "options_right_default_share": round(share, 3),
          "options_left_to_script": sum(r["left_to_script"] for r in results), "goal": GOAL, "ok": share >= GOAL,
          "by_library": by_library,
          "missed": {r["script"]: {"missed": r["missed"], "extra": r["extra"]} for r in results if not r["exact"]}})


if __name__ == "__main__":
    main()
