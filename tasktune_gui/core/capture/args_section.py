"""Captured argparse arguments as the task's `Args` hyperparameter section."""

from __future__ import annotations

from tasktune_gui.core.capture.argparse_reader import ArgSpec

POSITIONAL = "positional"
# A store_false flag is passed to make its value false, the opposite of store_true; its type says so.
STORE_FALSE_BOOL = "bool:store_false"


def args_section(specs: list[ArgSpec]) -> dict[str, dict[str, str]]:
    """name → {value, type, description}, in declaration order.

    The record has no field saying an argument is positional, so its type says it: "positional:int"
    (the worker passes such values bare, in this order, after the options); a store_false flag's type is
    "bool:store_false" (the worker passes it when the value is false).
    """
    section: dict[str, dict[str, str]] = {}
    for spec in specs:
        kind = spec.type
        if spec.action == "store_false":
            kind = STORE_FALSE_BOOL
        if spec.positional:
            kind = f"{POSITIONAL}:{kind}" if kind else POSITIONAL
        section[spec.name] = {"value": spec.value, "type": kind, "description": spec.description}
    return section
