"""Captured argparse arguments as the task's `Args` hyperparameter section."""

from __future__ import annotations

from tasktune_gui.core.capture.argparse_reader import ArgSpec

POSITIONAL = "positional"


def args_section(specs: list[ArgSpec]) -> dict[str, dict[str, str]]:
    """name → {value, type, description}, in declaration order.

    The record has no field saying an argument is positional, so its type says it: "positional:int"
    (the worker passes such values bare, in this order, after the options).
    """
    section: dict[str, dict[str, str]] = {}
    for spec in specs:
        kind = spec.type
        if spec.positional:
            kind = f"{POSITIONAL}:{kind}" if kind else POSITIONAL
        section[spec.name] = {"value": spec.value, "type": kind, "description": spec.description}
    return section
