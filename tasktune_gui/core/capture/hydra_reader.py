"""A Hydra app's configuration: the `@hydra.main` config composed into an `OmegaConf` object (YAML), and the
create-time overrides as the `Hydra` section. Composed by Hydra itself where it is importable, else from the
YAML files (primary config and its defaults list)."""

from __future__ import annotations

import ast
import hashlib
import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tasktune_gui.core.errors import CaptureError

OMEGACONF = "OmegaConf"
HYDRA = "Hydra"
# The composed text's fingerprint, kept in the object's description: a worker replaces the app's config only
# when the object's value no longer matches it (the researcher edited it).
FINGERPRINT = re.compile(r"\[composed ([0-9a-f]{12})\]")
_OVERRIDE = re.compile(r"(~|\+\+|\+)?[A-Za-z_@/][\w.@/\-]*(=.*)?", re.DOTALL)


@dataclass(frozen=True)
class HydraApp:
    config_dir: Path | None  # None: the config comes from Python (ConfigStore), not from files
    config_name: str | None


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def find_hydra_app(source: str, script_path: Path) -> HydraApp | None:
    """The `@hydra.main(config_path=..., config_name=...)` of the script, or None when it has none."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) in ("hydra.main", "main") and (
                    "hydra" in source):
                given = dict(zip(("config_path", "config_name", "version_base"), decorator.args, strict=False))
                given |= {k.arg: k.value for k in decorator.keywords if k.arg}
                path, name = _text(given.get("config_path")), _text(given.get("config_name"))
                folder = (script_path.parent / path).resolve() if path is not None else None
                return HydraApp(folder, name)
    return None


def hydra_parts(app: HydraApp, overrides: list[str], repo_root: Path | None = None) -> tuple[dict[str, dict[str, str]],
                                                                             dict[str, dict[str, str]]]:
    """(the Hydra section of overrides, the configuration objects); CaptureError with Hydra's message when the
    config does not compose."""
    words = [word for word in overrides if not word.startswith("-")]
    for word in words:
        if not _OVERRIDE.fullmatch(word):
            raise CaptureError(f"'{word}' is not a Hydra override (key=value, +key=value, ~key)")
    section = {}
    for word in words:
        key, has_value, value = word.partition("=")
        section[key] = {"value": value if has_value else "", "type": "", "description": "Hydra override"}
    text = _compose_with_hydra(app, words)
    if text is None:
        text = _compose_from_files(app, words)
    if not text:  # a config registered in Python (ConfigStore): only a run of the script composes it
        return section, {}
    folder = app.config_dir
    if folder is not None and repo_root is not None and folder.is_relative_to(repo_root):
        folder = folder.relative_to(repo_root)
    description = (f"Hydra config '{app.config_name}' from {folder}/, composed at create; an edited copy replaces "
                   f"it when the task runs [composed {fingerprint(text)}]")
    return section, {OMEGACONF: {"value": text, "type": "yaml", "description": description}}


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _compose_with_hydra(app: HydraApp, overrides: list[str]) -> str | None:
    """The composed config as Hydra gives it, or None when Hydra is not installed here."""
    try:
        hydra: Any = importlib.import_module("hydra")
        omegaconf: Any = importlib.import_module("omegaconf")
    except ImportError:
        return None
    if app.config_dir is None or app.config_name is None:
        return None  # a config registered in Python: only running the script would register it
    try:
        with hydra.initialize_config_dir(config_dir=str(app.config_dir), version_base=None):
            hydra.compose(config_name=app.config_name, overrides=overrides)  # refused here when it fails
            composed = hydra.compose(config_name=app.config_name)
    except Exception as exc:  # noqa: BLE001  Hydra's own errors are many; its message is what the user needs
        raise CaptureError(f"the Hydra config does not compose: {exc}") from exc
    return str(omegaconf.OmegaConf.to_yaml(composed))


def _compose_from_files(app: HydraApp, overrides: list[str]) -> str:
    if app.config_dir is None or app.config_name is None:
        return ""
    folder = app.config_dir
    merged = _load_with_defaults(folder, folder / f"{app.config_name.removesuffix('.yaml')}.yaml", None)
    for word in overrides:  # only config group choices can be checked without Hydra
        key, _, value = word.lstrip("+~").partition("=")
        group = folder / key.replace(".", "/")
        if group.is_dir() and value and not (group / f"{value}.yaml").is_file():
            raise CaptureError(f"the Hydra config does not compose: could not find '{key}/{value}' in {folder}")
    return yaml.safe_dump(merged, sort_keys=False, allow_unicode=True) if merged else "{}\n"


def _load_with_defaults(folder: Path, path: Path, group: str | None) -> dict[str, Any]:
    """A config file merged with its defaults list, as Hydra composes one (`_self_` last unless placed)."""
    if not path.is_file():
        raise CaptureError(f"the Hydra config does not compose: cannot find {path}")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CaptureError(f"the Hydra config does not compose: {path}: {exc}") from exc
    if not isinstance(loaded, dict):
        raise CaptureError(f"the Hydra config does not compose: {path} is not a mapping")
    defaults = loaded.pop("defaults", []) or []
    parts: list[dict[str, Any]] = []
    self_placed = False
    for entry in defaults:
        if entry == "_self_":
            parts.append(loaded)
            self_placed = True
        elif isinstance(entry, str):
            parts.append(_load_with_defaults(folder, folder / f"{entry}.yaml", None))
        elif isinstance(entry, dict) and len(entry) == 1:
            (group, choice), = entry.items()
            group = str(group).removeprefix("override ").removeprefix("optional ").strip()
            if choice is None:
                continue
            sub = folder / group / f"{choice}.yaml"
            inner = _load_with_defaults(folder, sub, group)
            parts.append(_nest(group.split("/"), inner))
    if not self_placed:
        parts.append(loaded)
    merged: dict[str, Any] = {}
    for part in parts:
        _merge(merged, part)
    return merged


def _nest(keys: list[str], value: dict[str, Any]) -> dict[str, Any]:
    for key in reversed(keys):
        value = {key: value}
    return value


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
