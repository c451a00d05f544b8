"""A task's hyperparameters turned into an argv list, environment variables and configuration files."""

from __future__ import annotations

import json
import re
from pathlib import Path

Sections = dict[str, dict[str, dict[str, str]]]

ARGS = "Args"
TF_DEFINE = "TF_DEFINE"
ENVIRONMENT = "Environment"
CONFIG_DIR_VARIABLE = "TASKTUNE_CONFIG_DIR"
TRUE_WORDS = frozenset({"true", "yes", "1", "on"})


def is_positional(spec: dict[str, str]) -> bool:
    """The record keeps no flag for positionals; the capture marks them with a type "positional[:argtype]"."""
    return spec.get("type", "").lower().split(":", 1)[0] == "positional"


def argparse_type(spec: dict[str, str]) -> str:
    kind = spec.get("type", "").lower()
    return kind.split(":", 1)[1] if is_positional(spec) and ":" in kind else ("" if is_positional(spec) else kind)


def _as_list(value: str) -> list[str] | None:
    """A JSON array as separate strings; None when the value is not one."""
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(parsed, list):
        return None
    return [item if isinstance(item, str) else json.dumps(item) for item in parsed]


def _flag(name: str) -> str:
    # A short-only option keeps the single dash it was captured with ("-v"); others get two.
    return name if name.startswith("-") else f"--{name}"


def value_words(spec: dict[str, str]) -> list[str]:
    """A value as argv words: a JSON array spreads into separate words, anything else is one word."""
    value = spec.get("value", "")
    kind = argparse_type(spec)
    listed = _as_list(value) if kind in ("list", "") else None
    return listed if listed is not None else [value]


def option_words(name: str, spec: dict[str, str]) -> list[str]:
    """The argv words of one Args option (REFERENCE §3); [] when it is left out."""
    value = spec.get("value", "")
    if value == "":
        return []  # a None default: the script keeps its own
    if argparse_type(spec) == "bool":
        return [_flag(name)] if value.strip().lower() in TRUE_WORDS else []
    if argparse_type(spec) == "bool:store_false":  # passing the flag is what makes the value false
        return [] if value.strip().lower() in TRUE_WORDS else [_flag(name)]
    return [_flag(name), *value_words(spec)]


def args_argv(args: dict[str, dict[str, str]]) -> list[str]:
    """Options in their order, then positionals in the order the script declares them."""
    options: list[str] = []
    positionals: list[str] = []
    for name, spec in args.items():
        if is_positional(spec):
            if spec.get("value", "") != "":
                positionals.extend(value_words(spec))
        else:
            options.extend(option_words(name, spec))
    return options + positionals


def tf_define_argv(flags: dict[str, dict[str, str]]) -> list[str]:
    return [f"--{name.lstrip('-')}={spec.get('value', '')}" for name, spec in flags.items()]


def environment_variables(section: dict[str, dict[str, str]]) -> dict[str, str]:
    return {name: spec.get("value", "") for name, spec in section.items() if name}


def config_file_name(name: str, kind: str) -> str:
    """A safe file name for a configuration object: its name, with an extension from its type."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "config"
    extension = re.sub(r"[^A-Za-z0-9]+", "", kind.lower())
    if extension and not stem.lower().endswith(f".{extension}"):
        return f"{stem}.{extension}"
    return stem


def write_config_files(folder: Path, configuration: dict[str, dict[str, str]]) -> dict[str, Path]:
    """One file per configuration object; returns name → path (the SDK reads the same folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    taken: set[str] = set()
    for name, spec in configuration.items():
        file_name = config_file_name(name, spec.get("type", ""))
        while file_name in taken:
            file_name = f"_{file_name}"
        taken.add(file_name)
        path = folder / file_name
        path.write_text(spec.get("value", ""), encoding="utf-8")
        written[name] = path
    index = {name: str(path) for name, path in written.items()}
    (folder / "index.json").write_text(json.dumps(index, indent=1), encoding="utf-8")
    return written


def script_argv(entry_point: str, hyperparameters: Sections) -> list[str]:
    """What follows the interpreter: the script (or `-m module`) and then its arguments."""
    head = entry_point.split(None, 1) if entry_point.startswith("-m ") else [entry_point]
    return [*head, *args_argv(hyperparameters.get(ARGS, {})), *tf_define_argv(hyperparameters.get(TF_DEFINE, {}))]
