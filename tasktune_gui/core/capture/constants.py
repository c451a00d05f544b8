"""Values a script's source spells as simple expressions, evaluated without running it (constants, arithmetic,
string concatenation, module-level names bound to such values); anything else is left to the script."""

from __future__ import annotations

import ast
import copy
import operator
import posixpath
from collections.abc import Callable
from typing import Any

NOT_CONSTANT = object()  # what an expression that needs the script to run evaluates to here
_MAX_POWER = 64  # 2 ** 64 is fine, 10 ** 10 ** 10 would never end
_MAX_TEXT = 100_000
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos,
                                                        ast.Not: operator.not_}
_SIMPLE = (int, float, str, bool, type(None))
# Calls whose result depends only on their constant arguments (never on the machine, the time or the environment:
# `os.cpu_count()` or `os.environ.get(...)` stay the script's to compute where it runs).
_PURE_CALLS: dict[str, Callable[..., Any]] = {
    "str": str, "int": int, "float": float, "bool": bool, "abs": abs, "round": round, "min": min, "max": max,
    "len": len, "os.path.join": posixpath.join, "pathlib.Path": posixpath.join, "Path": posixpath.join,
}


def module_constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level `NAME = <simple expression>` bindings, in order (a later one may use an earlier one)."""
    names: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):  # enum members and class constants: `Optim.sgd`
            for item in node.body:
                if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                    found = evaluate(item.value, names)
                    if found is not NOT_CONSTANT:
                        names[f"{node.name}.{item.targets[0].id}"] = found
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        else:
            continue
        found = evaluate(value, names)
        if found is NOT_CONSTANT:
            names.pop(target, None)  # rebound to something only the script knows
        else:
            names[target] = found
    return names


def evaluate(node: ast.expr, names: dict[str, Any] | None = None) -> Any:
    """The value of a simple expression, or NOT_CONSTANT."""
    try:
        return _value(node, names or {})
    except (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError):
        return NOT_CONSTANT


def _value(node: ast.expr, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, _SIMPLE) else NOT_CONSTANT
    if isinstance(node, ast.Name):
        return names.get(node.id, NOT_CONSTANT)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return names.get(f"{node.value.id}.{node.attr}", NOT_CONSTANT)
    if isinstance(node, ast.List | ast.Tuple):
        items = [_value(item, names) for item in node.elts]
        return NOT_CONSTANT if any(item is NOT_CONSTANT for item in items) else items
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        operand = _value(node.operand, names)
        return NOT_CONSTANT if operand is NOT_CONSTANT else _UNARY[type(node.op)](operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left, names), _value(node.right, names)
        if left is NOT_CONSTANT or right is NOT_CONSTANT or isinstance(left, list) or isinstance(right, list):
            return NOT_CONSTANT
        if isinstance(node.op, ast.Pow) and (not isinstance(right, int | float) or abs(right) > _MAX_POWER):
            return NOT_CONSTANT
        if isinstance(node.op, ast.Mult) and (isinstance(left, str) or isinstance(right, str)):
            text, count = (left, right) if isinstance(left, str) else (right, left)
            if not isinstance(count, int) or count * len(text) > _MAX_TEXT:
                return NOT_CONSTANT
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            return NOT_CONSTANT  # %-formatting: rarely a default, and its rules are many
        result = _BINARY[type(node.op)](left, right)
        return result if isinstance(result, _SIMPLE) else NOT_CONSTANT
    if isinstance(node, ast.Call) and not node.keywords and ast.unparse(node.func) in _PURE_CALLS:
        arguments = [_value(argument, names) for argument in node.args]
        if any(argument is NOT_CONSTANT or isinstance(argument, list) for argument in arguments):
            return NOT_CONSTANT
        result = _PURE_CALLS[ast.unparse(node.func)](*arguments)
        return result if isinstance(result, _SIMPLE) else NOT_CONSTANT
    if isinstance(node, ast.JoinedStr):  # f"{NAME}_run" with known names and no format specs
        parts: list[str] = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
            elif isinstance(part, ast.FormattedValue) and part.format_spec is None and part.conversion == -1:
                value = _value(part.value, names)
                if value is NOT_CONSTANT:
                    return NOT_CONSTANT
                parts.append(str(value))
            else:
                return NOT_CONSTANT
        return "".join(parts)
    return NOT_CONSTANT


class _Substitute(ast.NodeTransformer):
    """A loop variable replaced by one of its values; f-strings and other simple expressions folded."""

    def __init__(self, name: str, value: Any) -> None:
        self.name, self.value = name, value

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return ast.copy_location(ast.Constant(self.value), node) if node.id == self.name else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.expr:
        return self._folded(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        return self._folded(node)

    def _folded(self, node: ast.expr) -> ast.expr:
        self.generic_visit(node)
        folded = evaluate(node)
        return ast.copy_location(ast.Constant(folded), node) if isinstance(folded, str) else node


_MAX_UNROLLED = 100


def unroll_constant_loops(tree: ast.Module, names: dict[str, Any]) -> ast.Module:
    """`for name in ("alpha", "beta"): parser.add_argument(f"--{name}")` written out once per value, so what
    each iteration declares can be read without running the loop."""

    class Unroll(ast.NodeTransformer):
        def visit_For(self, node: ast.For) -> Any:
            self.generic_visit(node)
            values = evaluate(node.iter, names)
            if (values is NOT_CONSTANT or not isinstance(values, list) or len(values) > _MAX_UNROLLED
                    or not isinstance(node.target, ast.Name) or node.orelse):
                return node
            body: list[ast.stmt] = []
            for value in values:
                for statement in node.body:
                    body.append(_Substitute(node.target.id, value).visit(copy.deepcopy(statement)))
            return body or node

    unrolled = Unroll().visit(tree)
    assert isinstance(unrolled, ast.Module)
    return ast.fix_missing_locations(unrolled)
