"""Captured argparse arguments as the task's `Args` hyperparameter section."""

from __future__ import annotations

from tasktune_gui.core.capture.argparse_reader import ArgSpec

POSITIONAL = "positional"
# A store_false flag is passed to make its value false, the opposite of store_true; its type says so.
STORE_FALSE_BOOL = "bool:store_false"
# A flag with an opposite (`--color/--no-color`): the worker passes one or the other. Its false flag, when it is
# not `--no-<name>`, follows: "switch=--without-x:bool".
SWITCH = "switch"
# An option given once per value (argparse's append, click's multiple=True): "repeat:list".
REPEAT = "repeat"


def args_section(specs: list[ArgSpec]) -> dict[str, dict[str, str]]:
    """name → {value, type, description}, in declaration order.

    The record has no field saying an argument is positional, so its type says it: "positional:int"
    (the worker passes such values bare, in this order, after the options); a store_false flag's type is
    "bool:store_false" (the worker passes it when the value is false); "subcommand" names the chosen subcommand,
    and the arguments after it are its own.
    """
    section: dict[str, dict[str, str]] = {}
    for spec in specs:
        kind = spec.type
        if spec.action == "subcommand":
            kind = "subcommand"
        elif spec.action == "store_false":
            kind = STORE_FALSE_BOOL
        elif spec.action == "BooleanOptionalAction":
            kind = f"{SWITCH}:bool"
        elif spec.action.startswith(SWITCH):  # click's and typer's "--x/--no-x", or "--x/--without-x"
            kind = f"{spec.action}:bool"
        elif spec.action == "append" and not spec.positional:
            kind = f"{REPEAT}:list"
        elif spec.positional:
            kind = f"{POSITIONAL}:{kind}" if kind else POSITIONAL
        section[spec.name] = {"value": spec.value, "type": kind, "description": spec.description}
    return section
