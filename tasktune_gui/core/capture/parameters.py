"""A script's parameters as a task records them: Args (argparse, click, typer), TF_DEFINE (absl), Hydra with its
OmegaConf object, Environment (TASKTUNE_LOG_ENVIRONMENT), and a note saying why nothing was found."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tasktune_gui.core.capture.absl_reader import read_absl_flags
from tasktune_gui.core.capture.argparse_reader import ArgSpec, apply_arg_overrides, read_argparse_arguments
from tasktune_gui.core.capture.args_section import args_section
from tasktune_gui.core.capture.click_reader import read_click_arguments
from tasktune_gui.core.capture.hydra_reader import HYDRA, find_hydra_app, hydra_parts
from tasktune_gui.core.capture.logged_environment import LOG_ENVIRONMENT, logged_environment
from tasktune_gui.core.errors import InvalidValue

Section = dict[str, dict[str, str]]


@dataclass
class ScriptParameters:
    args: list[ArgSpec] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)  # TF_DEFINE, Hydra, Environment
    configuration: dict[str, dict[str, str]] = field(default_factory=dict)
    note: str = ""  # for INFO: why no arguments were found, what was left out

    def hyperparameters(self) -> dict[str, Section]:
        """Every non-empty section, Args first."""
        found = {"Args": args_section(self.args), **self.sections}
        return {name: section for name, section in found.items() if section}


def read_parameters(
    source: str | None, shown: str, overrides: list[str], *, script_path: Path | None = None,
    helpers: Sequence[str] = (), repo_root: Path | None = None, environ: Mapping[str, str] | None = None,
) -> ScriptParameters:
    """Everything `create` reads from the script's source (never running it) and the environment."""
    found = ScriptParameters()
    notes: list[str] = []
    if source is not None:
        _read_source(found, source, shown, overrides, script_path, helpers, repo_root, notes)
    else:
        notes.append(f"No command-line arguments read: {shown} runs a module, whose source create does not read.")
    environment, withheld = logged_environment(environ or {})
    if environment:
        found.sections["Environment"] = environment
    if withheld:
        notes.append(f"{LOG_ENVIRONMENT}: not recorded, as their names look secret: {', '.join(withheld)}.")
    found.note = " ".join(notes)
    return found


def _read_source(found: ScriptParameters, source: str, shown: str, overrides: list[str], script_path: Path | None,
                 helpers: Sequence[str], repo_root: Path | None, notes: list[str]) -> None:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) and exc.lineno else ""
        reason = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        notes.append(f"No command-line arguments found: {shown} cannot be read as Python{where}: {reason}.")
        found.args = _kept(overrides)
        return
    app = find_hydra_app(source, script_path) if script_path is not None else None
    if app is not None:
        hydra_section, found.configuration = hydra_parts(app, overrides, repo_root)
        if hydra_section:
            found.sections[HYDRA] = hydra_section
        if not found.configuration:
            notes.append(f"Hydra config '{app.config_name}' of {shown} is registered in Python (ConfigStore), which "
                         "only a run of the script does: no OmegaConf object recorded; overrides go to the Hydra "
                         "section.")
        return
    clicked = read_click_arguments(source, overrides)
    specs = clicked if clicked is not None else read_argparse_arguments(source, overrides, helpers)
    found.args = apply_arg_overrides(specs, overrides) if overrides else specs
    flags = read_absl_flags(source, helpers)
    if flags:
        found.sections["TF_DEFINE"] = _absl_overrides(flags, overrides) if clicked is None and not specs else flags
        if clicked is None and not specs:
            found.args = []
    if not found.args and not flags:
        notes.append(f"No command-line arguments found: {shown} declares none with argparse, click, typer, absl "
                     "or Hydra that can be read without running it.")
        found.args = _kept(overrides)


def _kept(overrides: list[str]) -> list[ArgSpec]:
    """The options given at create, kept as Args when the script's own could not be read."""
    try:
        return apply_arg_overrides([], overrides)
    except InvalidValue:
        return []


def _absl_overrides(flags: Section, overrides: list[str]) -> Section:
    """`--name=value` or `--name value` words given at create set the flags' values."""
    index = 0
    while index < len(overrides):
        word = overrides[index]
        index += 1
        if not word.startswith("--"):
            continue
        name, has_value, value = word[2:].partition("=")
        if name in flags:
            if not has_value and flags[name]["type"] != "bool" and index < len(overrides):
                value, index = overrides[index], index + 1
            flags[name]["value"] = value if has_value or flags[name]["type"] != "bool" else "true"
        elif name.startswith("no") and name[2:] in flags and flags[name[2:]]["type"] == "bool":
            flags[name[2:]]["value"] = "false"
    return flags
