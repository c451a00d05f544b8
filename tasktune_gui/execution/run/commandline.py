"""A task's hyperparameters turned into an argv list, environment variables and configuration files."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

Sections = dict[str, dict[str, dict[str, str]]]

ARGS = "Args"
TF_DEFINE = "TF_DEFINE"
ENVIRONMENT = "Environment"
SUBCOMMAND = "subcommand"
HYDRA = "Hydra"
OMEGACONF = "OmegaConf"
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
    kind = argparse_type(spec).split(":")[-1]
    listed = _as_list(value) if kind in ("list", "") else None
    return listed if listed is not None else [value]


def _switch_off_flag(name: str, kind: str) -> str | None:
    """The false flag of a switch ("switch:bool" → --no-name; "switch=--without-x:bool" → --without-x)."""
    head = kind.rsplit(":", 1)[0] if ":" in kind else ""
    if head == "switch":
        return f"--no-{name.lstrip('-')}"
    if head.startswith("switch="):
        return head.removeprefix("switch=")
    return None


def option_words(name: str, spec: dict[str, str]) -> list[str]:
    """The argv words of one Args option (REFERENCE §3); [] when it is left out."""
    value = spec.get("value", "")
    if value == "":
        return []  # a None default: the script keeps its own
    off_flag = _switch_off_flag(name, spec.get("type", ""))
    if off_flag is not None:  # both ways are said: the script's default may be either
        return [_flag(name)] if value.strip().lower() in TRUE_WORDS else [off_flag]
    if spec.get("type", "").lower() == "repeat:list":  # --tag a --tag b
        return [word for item in value_words(spec) for word in (_flag(name), item)]
    if argparse_type(spec) == "bool":
        return [_flag(name)] if value.strip().lower() in TRUE_WORDS else []
    if argparse_type(spec) == "bool:store_false":  # passing the flag is what makes the value false
        return [] if value.strip().lower() in TRUE_WORDS else [_flag(name)]
    return [_flag(name), *value_words(spec)]


def args_argv(args: dict[str, dict[str, str]]) -> list[str]:
    """Options in their order, then positionals in the order the script declares them; with a subcommand, the
    main parser's ones, the subcommand, then its own (a parser takes only its own options)."""
    words: list[str] = []
    options: list[str] = []
    positionals: list[str] = []
    for name, spec in args.items():
        if spec.get("type", "").lower() == SUBCOMMAND:
            words.extend([*options, *positionals, *([spec["value"]] if spec.get("value") else [])])
            options, positionals = [], []
        elif is_positional(spec):
            if spec.get("value", "") != "":
                positionals.extend(value_words(spec))
        else:
            options.extend(option_words(name, spec))
    return words + options + positionals


def tf_define_argv(flags: dict[str, dict[str, str]]) -> list[str]:
    """`--name=value` per flag (once per item for a multi_ flag); an empty value leaves the script's default."""
    words: list[str] = []
    for name, spec in flags.items():
        value = spec.get("value", "")
        items = value_words(spec) if spec.get("type", "").lower() == "repeat:list" else [value]
        words.extend(f"--{name.lstrip('-')}={item}" for item in items if item != "")
    return words


def hydra_argv(entry_point: str, overrides: dict[str, dict[str, str]],
               configuration: dict[str, dict[str, str]]) -> list[str]:
    """A Hydra app's arguments: its edited OmegaConf object in place of the composed config, then the overrides
    (`key=value`, `+key=value`, `~key`) of the Hydra section."""
    words: list[str] = []
    composed = configuration.get(OMEGACONF)
    if composed is not None and not entry_point.startswith("-m ") and _edited(composed):
        # Hydra reads --config-path relative to the script's folder; the config folder is the repository's sibling
        # in every run folder (local, container, remote host), so the same relative path holds everywhere.
        depth = len(Path(entry_point).parent.parts)
        stem = config_file_name(OMEGACONF, composed.get("type", "")).rsplit(".", 1)[0]
        words += [f"--config-path={'../' * (depth + 1)}config", f"--config-name={stem}"]
    for key, spec in overrides.items():
        value = spec.get("value", "")
        words.append(key if key.startswith("~") and value == "" else f"{key}={value}")
    return words


def _edited(spec: dict[str, str]) -> bool:
    """Whether the object no longer holds what create composed (its fingerprint is in its description; an object
    without one was not composed from a Hydra app, so it is only a file for the script)."""
    found = re.search(r"\[composed ([0-9a-f]{12})\]", spec.get("description", ""))
    text = spec.get("value", "")
    return found is not None and hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] != found.group(1)


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


def script_argv(entry_point: str, hyperparameters: Sections, configuration: dict[str, dict[str, str]] | None = None,
                recorded_entry: str | None = None) -> list[str]:
    """What follows the interpreter: the script (or `-m module`) and then its arguments. `recorded_entry` is the
    task's entry point relative to the repository, when `entry_point` is the script's full path."""
    head = entry_point.split(None, 1) if entry_point.startswith("-m ") else [entry_point]
    hydra = hydra_argv(recorded_entry or entry_point, hyperparameters.get(HYDRA, {}), configuration or {})
    return [*head, *args_argv(hyperparameters.get(ARGS, {})), *tf_define_argv(hyperparameters.get(TF_DEFINE, {})),
            *hydra]
