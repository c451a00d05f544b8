"""What the libraries themselves say a script's parameters are: run by bench_capture.py with an interpreter that
has argparse, click, typer, Hydra and absl, as `python capture_truth.py SCRIPT LIBRARY`. It stops the script where
the library would parse its command line, introspects the parser or command, and prints one JSON object:
{"options": {key: default as a task value}, "config": composed YAML or null}."""

from __future__ import annotations

import argparse
import enum
import json
import os
import runpy
import subprocess
import sys
from typing import Any


def as_text(value: Any) -> str:
    """A default written the way a task records it (REFERENCE §3)."""
    if value is None or callable(value) or type(value).__name__ == "Sentinel":  # click's UNSET: nothing given
        return ""  # none, or computed by the script when it runs: left to it
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)  # what typer and click pass for a choice
    if isinstance(value, list | tuple):
        return json.dumps(list(value)) if value else ""
    return str(value)


def done(options: dict[str, str], config: str | None = None) -> None:
    print("TRUTH " + json.dumps({"options": options, "config": config}))
    sys.stdout.flush()
    os._exit(0)


def argparse_options(parser: argparse.ArgumentParser) -> dict[str, str]:
    found: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            name, sub = next(iter(action.choices.items()))
            found[action.dest if action.dest != argparse.SUPPRESS else "command"] = name
            found.update(argparse_options(sub))
            continue
        longs = [s for s in action.option_strings if s.startswith("--")]
        key = longs[0][2:] if longs else action.option_strings[0] if action.option_strings else action.dest
        default = action.default
        if default is argparse.SUPPRESS:
            default = None
        found.setdefault(key, as_text(default))
    return found


# Typer's own options, not the script's parameters.
COMPLETION = frozenset({"install_completion", "show_completion"})


def click_options(command: Any) -> dict[str, str]:
    """Typer may carry its own copy of click, so parameters are told apart by what they say, not by class."""
    found: dict[str, str] = {}
    context = command.context_class(command)
    for param in command.params:
        if param.name in COMPLETION:
            continue
        default = param.get_default(context, call=False)  # what the command gets when nothing is given
        if param.param_type_name == "option":
            longs = [o for o in param.opts if o.startswith("--")]
            key = longs[0][2:] if longs else param.opts[0]
            if param.count and default is None:
                default = 0
            found[key] = as_text(default)
        else:
            found[param.name] = as_text(default)
    if getattr(command, "commands", None):
        sub_name, sub = next(iter(command.commands.items()))
        found["command"] = sub_name
        for key, value in click_options(sub).items():
            found.setdefault(key, value)
    return found


def main() -> None:
    script, library = sys.argv[1], sys.argv[2]
    folder = os.path.dirname(os.path.abspath(script))
    sys.path[:0] = [folder, os.getcwd()]
    sys.argv = [script]
    if library == "argparse":
        def stop(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> Any:
            done(argparse_options(self))
        argparse.ArgumentParser.parse_args = stop  # type: ignore[method-assign]
        argparse.ArgumentParser.parse_known_args = stop  # type: ignore[method-assign]
    elif library == "click":
        import click

        click.Command.main = lambda self, *a, **k: done(click_options(self))  # type: ignore[method-assign]
    elif library == "typer":
        import typer
        import typer.main

        def run(function: Any) -> None:
            app = typer.Typer()
            app.command()(function)
            done(click_options(typer.main.get_command(app)))
        typer.run = run
        typer.Typer.__call__ = lambda self, *a, **k: done(click_options(typer.main.get_command(self)))  # type: ignore[method-assign]
    elif library == "absl":
        from absl import app, flags

        def absl_run(main: Any, argv: Any = None) -> None:
            found = {}
            for module, module_flags in flags.FLAGS.flags_by_module_dict().items():
                if module.startswith("absl."):
                    continue
                for flag in module_flags:
                    default = flag.default
                    if isinstance(default, list) and "separated list" in flag.flag_type():
                        separator = " " if "whitespace" in flag.flag_type() else ","
                        default = separator.join(str(item) for item in default)
                    found[flag.name] = as_text(default)
            done(found)
        app.run = absl_run
    elif library == "hydra":
        # Hydra prints the composed job config itself.
        printed = subprocess.run([sys.executable, os.path.abspath(script), "--cfg", "job"], capture_output=True,
                                 text=True, check=False, cwd=folder)
        done({}, printed.stdout if printed.returncode == 0 else None)
    runpy.run_path(script, run_name="__main__")
    done({})


if __name__ == "__main__":
    main()
