"""absl (and TensorFlow's) `flags.DEFINE_*` calls, read from the source with ast, as the TF_DEFINE section."""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence

from tasktune_gui.core.capture.constants import NOT_CONSTANT, evaluate, module_constants

# DEFINE_<kind> → the section's type; multi_ flags are given once per value, lists as "a,b".
_KINDS = {"string": "str", "integer": "int", "float": "float", "boolean": "bool", "bool": "bool", "enum": "str",
          "enum_class": "str", "list": "list", "spaceseplist": "list", "multi_string": "repeat:list",
          "multi_integer": "repeat:list", "multi_float": "repeat:list", "multi_enum": "repeat:list"}


def read_absl_flags(source: str, helpers: Sequence[str] = ()) -> dict[str, dict[str, str]]:
    """name → {value, type, description} of every flag defined with a constant name, in source order."""
    section: dict[str, dict[str, str]] = {}
    for text in [*helpers, source]:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        names = module_constants(tree)
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                 and node.func.attr.startswith("DEFINE_") and node.func.attr[7:] in _KINDS]
        for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
            flag = _flag(call, names)
            if flag is not None and flag[0] not in section:
                section[flag[0]] = flag[1]
    return section


def _flag(call: ast.Call, names: dict[str, object]) -> tuple[str, dict[str, str]] | None:
    assert isinstance(call.func, ast.Attribute)
    kind = call.func.attr[7:]
    keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
    order = ["name", "default", "enum_values", "help"] if kind in ("enum", "multi_enum") else (
        ["name", "default", "enum_class", "help"] if kind == "enum_class" else ["name", "default", "help"])
    given = dict(zip(order, call.args, strict=False)) | {k: v for k, v in keywords.items() if k in order}
    name = given.get("name")
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value):
        return None
    help_node = given.get("help")
    description = help_node.value if isinstance(help_node, ast.Constant) and isinstance(help_node.value, str) else ""
    default = given.get("default")
    value = evaluate(default, names) if default is not None else None
    if value is NOT_CONSTANT:
        assert default is not None
        value = None
        description = f"{description} (default computed by the script: {ast.unparse(default)})".strip()
    return name.value, {"value": _text(value, _KINDS[kind]), "type": _KINDS[kind], "description": description}


def _text(value: object, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if kind == "list":
            return ",".join(str(item) for item in value)  # absl's own spelling of a list flag
        return json.dumps(value)
    if kind == "repeat:list":
        return json.dumps([value])
    return str(value)
