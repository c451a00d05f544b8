"""Which `add_argument` calls belong to the parser a run uses: the main parser with its parents and groups, and
the chosen subcommand's parser (`add_subparsers` / `add_parser`), read from the source with ast."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

Position = tuple[int, int, int]  # (source index, line, column): helper modules come before the script
_GROUPS = frozenset({"add_argument_group", "add_mutually_exclusive_group"})


@dataclass
class _Parser:
    parents: list[str] = field(default_factory=list)
    calls: list[tuple[Position, ast.Call]] = field(default_factory=list)
    subcommands: dict[str, str] = field(default_factory=dict)  # name or alias → parser key, in order
    names: list[str] = field(default_factory=list)  # subcommand names without their aliases
    dest: str = ""


@dataclass
class Subcommands:
    """The subcommands of the main parser: what a run may choose, and the calls of each one's parser."""

    dest: str
    names: list[str]
    calls: dict[str, list[ast.Call]]  # name or alias → the calls of its parser (its parents' first)


class ParserLayout:
    """The parsers a set of modules builds, keyed by the expression that names them (`parser`, `self.parser`)."""

    def __init__(self, trees: list[ast.Module]) -> None:
        self.parsers: dict[str, _Parser] = {}
        self.aliases: dict[str, str] = {}  # argument groups and subparsers actions → their parser's key
        self.actions: dict[str, str] = {}  # subparsers action → the parser it belongs to
        self.sub_keys: set[str] = set()
        self.orphans: list[tuple[Position, ast.Call]] = []  # receivers that are not a known parser
        self._helper_params = _helper_parameters(trees)
        nodes: list[tuple[Position, ast.AST]] = []
        for index, tree in enumerate(trees):
            nodes.extend(((index, node.lineno, node.col_offset), node) for node in ast.walk(tree)
                         if isinstance(node, ast.Assign | ast.Call))
        nodes.sort(key=lambda item: item[0])
        for position, node in nodes:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1:
                self._bind(ast.unparse(node.targets[0]), node.value)
            elif isinstance(node, ast.Call):
                self._call(position, node)

    def main_calls(self) -> list[ast.Call]:
        """The arguments every run has: of parsers that are not a subcommand's, and of unknown receivers."""
        found = list(self.orphans)
        for key, parser in self.parsers.items():
            if key not in self.sub_keys:
                found.extend(self._with_parents(key, parser))
        return [call for _, call in sorted({id(call): (pos, call) for pos, call in found}.values(),
                                           key=lambda item: item[0])]

    def subcommands(self) -> Subcommands | None:
        for key, parser in self.parsers.items():
            if key not in self.sub_keys and parser.subcommands:
                calls = {name: [call for _, call in sorted(self._with_parents(sub, self.parsers[sub]),
                                                          key=lambda item: item[0])]
                         for name, sub in parser.subcommands.items()}
                return Subcommands(parser.dest or "command", parser.names, calls)
        return None

    def _with_parents(self, key: str, parser: _Parser, seen: frozenset[str] = frozenset()) -> list[
            tuple[Position, ast.Call]]:
        found: list[tuple[Position, ast.Call]] = []
        for parent in parser.parents:
            resolved = self._resolve(parent)
            if resolved is not None and resolved not in seen | {key}:
                found.extend(self._with_parents(resolved, self.parsers[resolved], seen | {key}))
        return found + parser.calls

    def _resolve(self, key: str) -> str | None:
        for _ in range(10):  # groups of groups, never a cycle
            if key in self.parsers:
                return key
            if key not in self.aliases:
                return None
            key = self.aliases[key]
        return None

    def _bind(self, target: str, call: ast.Call) -> None:
        if not isinstance(call.func, ast.Attribute | ast.Name):
            return
        name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
        keywords: dict[str, ast.expr] = {k.arg: k.value for k in call.keywords if k.arg}
        if name == "ArgumentParser":
            self.parsers[target] = _Parser(parents=_names(keywords.get("parents")))
            return
        if not isinstance(call.func, ast.Attribute):
            return
        receiver = self._resolve(ast.unparse(call.func.value))
        if name in _GROUPS and receiver is not None:
            self.aliases[target] = receiver
        elif name == "add_subparsers" and receiver is not None:
            self.actions[target] = receiver
            dest = keywords.get("dest")
            if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
                self.parsers[receiver].dest = dest.value
        elif name == "add_parser":
            self._add_subcommand(target, call, keywords)

    def _add_subcommand(self, target: str, call: ast.Call, keywords: dict[str, ast.expr]) -> None:
        assert isinstance(call.func, ast.Attribute)
        owner = self.actions.get(ast.unparse(call.func.value))
        first = call.args[0] if call.args else None
        if owner is None or not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return
        self.parsers[target] = _Parser(parents=_names(keywords.get("parents")))
        self.sub_keys.add(target)
        owner_parser = self.parsers[owner]
        owner_parser.names.append(first.value)
        for alias in [first.value, *_strings(keywords.get("aliases"))]:
            owner_parser.subcommands.setdefault(alias, target)

    def _call(self, position: Position, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Name) and func.id in self._helper_params:
            # `add_common(train_parser)`: the helper's add_argument calls go to the parser passed in.
            for index, argument in enumerate(call.args):
                target = self._resolve(ast.unparse(argument))
                for param_call in self._helper_params[func.id].get(index, []):
                    calls = self.orphans if target is None else self.parsers[target].calls
                    calls.append((position, param_call))
            return
        if not (isinstance(func, ast.Attribute) and func.attr == "add_argument"):
            return
        receiver = func.value
        if (isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute)
                and receiver.func.attr == "add_parser"):  # sub.add_parser("eval").add_argument(...)
            key = f"<{ast.unparse(receiver)}>"
            if key not in self.parsers:
                self._add_subcommand(key, receiver, {k.arg: k.value for k in receiver.keywords if k.arg})
            if key in self.parsers:
                self.parsers[key].calls.append((position, call))
            return
        known = self._resolve(ast.unparse(receiver))
        if known is not None:
            self.parsers[known].calls.append((position, call))
        elif not self._is_helper_param(call):
            self.orphans.append((position, call))

    def _is_helper_param(self, call: ast.Call) -> bool:
        return any(call in calls for params in self._helper_params.values() for calls in params.values())


def _helper_parameters(trees: list[ast.Module]) -> dict[str, dict[int, list[ast.Call]]]:
    """Functions that add arguments to a parser they are given: name → parameter index → their calls.

    Only those called with a parser somewhere count; the others' calls stay with the main parser."""
    called = {node.func.id for tree in trees for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args}
    helpers: dict[str, dict[int, list[ast.Call]]] = {}
    for tree in trees:
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef) or function.name not in called:
                continue
            params = [arg.arg for arg in function.args.args]
            found: dict[int, list[ast.Call]] = {}
            for node in ast.walk(function):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "add_argument" and isinstance(node.func.value, ast.Name)
                        and node.func.value.id in params):
                    found.setdefault(params.index(node.func.value.id), []).append(node)
            if found:
                helpers[function.name] = found
    return helpers


def _names(node: ast.expr | None) -> list[str]:
    if isinstance(node, ast.List | ast.Tuple):
        return [ast.unparse(item) for item in node.elts]
    return []


def _strings(node: ast.expr | None) -> list[str]:
    if isinstance(node, ast.List | ast.Tuple):
        return [item.value for item in node.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)]
    return []
