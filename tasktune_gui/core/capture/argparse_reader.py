"""A script's argparse arguments, read from its source with the ast module (never run), and their overrides."""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from tasktune_gui.core.capture.argparse_layout import ParserLayout
from tasktune_gui.core.capture.constants import NOT_CONSTANT, evaluate, module_constants, unroll_constant_loops
from tasktune_gui.core.errors import InvalidValue

SUBCOMMAND = "subcommand"  # the type of the argument naming the chosen subcommand

_BOOL_ACTIONS = frozenset({"store_true", "store_false", "BooleanOptionalAction"})
_LIST_ACTIONS = frozenset({"append", "extend", "append_const"})
# help and version print and exit: they are not hyperparameters.
_SKIPPED_ACTIONS = frozenset({"help", "version"})
_KNOWN_TYPES = frozenset({"int", "float", "str", "bool"})
# argparse's own constants for nargs, as scripts spell them (argparse.ONE_OR_MORE...).
_LIST_NARGS = frozenset({"+", "*", "...", "ONE_OR_MORE", "ZERO_OR_MORE", "REMAINDER"})
# argparse reads "-1" or "-.5" as a value, not as an option; exponents are accepted here too.
_NEGATIVE_NUMBER = re.compile(r"-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?(\d+\.\d*|\.\d+)")


@dataclass
class ArgSpec:
    """One command-line argument of a task's script, as its Args section shows it."""

    name: str
    value: str
    type: str
    description: str
    positional: bool = False
    # Reader details that overrides need and the task record does not keep: the argument's other
    # option strings ("-l" for "--lr") and its argparse action (a bare store_false flag means "false").
    aliases: tuple[str, ...] = field(default=(), compare=False, repr=False)
    action: str = field(default="", compare=False, repr=False)
    dest: str = field(default="", compare=False, repr=False)  # the attribute argparse stores the value in


def read_argparse_arguments(
    source: str, argv: list[str] | None = None, helpers: Sequence[str] = ()
) -> list[ArgSpec]:
    """The arguments a run of the script has, in source order; [] when unreadable.

    `helpers` are the sources of the repository's modules the script imports (parsers built there come
    first); with subcommands, the one `argv` names (else the first) is an argument typed "subcommand",
    followed by its own arguments."""
    trees = [tree for tree in map(_parsed, [*helpers, source]) if tree is not None]
    if not trees or _parsed(source) is None:
        return []
    names: dict[str, object] = {}
    for tree in trees:
        names.update(module_constants(tree))
    trees = [unroll_constant_loops(tree, names) for tree in trees]
    layout = ParserLayout(trees)
    specs = _specs(layout.main_calls(), names)
    defaults = _set_defaults(trees)
    subcommands = layout.subcommands()
    if subcommands is not None:
        chosen = next((word for word in argv or [] if word in subcommands.calls), subcommands.names[0])
        marker = ArgSpec(subcommands.dest, chosen, SUBCOMMAND, f"one of: {', '.join(subcommands.names)}",
                         positional=True, action=SUBCOMMAND)
        taken = {spec.name for spec in specs}
        specs.append(marker)
        specs.extend(spec for spec in _specs(subcommands.calls[chosen], names) if spec.name not in taken)
    for spec in specs:  # parser.set_defaults(lr=0.3) wins over the argument's own default, as in argparse
        if spec.dest in defaults and spec.action != SUBCOMMAND:
            spec.value, computed = _default_text(spec.action, defaults[spec.dest], names)
            if computed:
                spec.description = f"{spec.description} (default computed by the script: {computed})".strip()
    return specs


def _set_defaults(trees: list[ast.Module]) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    calls = [(index, node) for index, tree in enumerate(trees) for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr == "set_defaults"]
    for _, call in sorted(calls, key=lambda item: (item[0], item[1].lineno, item[1].col_offset)):
        found.update({keyword.arg: keyword.value for keyword in call.keywords if keyword.arg})
    return found


def _parsed(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # ValueError: null bytes in the source
        return None


def _specs(calls: list[ast.Call], names: dict[str, object]) -> list[ArgSpec]:
    specs: list[ArgSpec] = []
    taken: set[str] = set()
    for call in calls:
        spec = _spec_from_call(call, names)
        # A parser may be given the same option twice (a helper called twice); the task has one value for it.
        if spec is not None and spec.name not in taken:
            taken.add(spec.name)
            specs.append(spec)
    return specs


def decode_source(data: bytes) -> str:
    """Python source bytes as text, honouring a PEP 263 coding line as Python would."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:  # a coding line naming no codec Python knows
        return data.decode("utf-8", errors="replace")


def _spec_from_call(call: ast.Call, names: dict[str, object]) -> ArgSpec | None:
    flags: list[str] = []
    for node in call.args:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value):
            return None  # names built at run time cannot be read without running the script
        flags.append(node.value)
    if not flags:
        return None
    # `**kwargs` spreads have no keyword name and cannot be read; the named keywords still can.
    keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg is not None}
    action = _action_name(keywords.get("action"))
    if action in _SKIPPED_ACTIONS:
        return None
    positional = not flags[0].startswith("-")
    longs = [flag for flag in flags if flag.startswith("--")]
    primary = flags[0] if positional or not longs else longs[0]
    name = primary[2:] if primary.startswith("--") else primary
    if not name:
        return None
    aliases = [flag for flag in flags if flag != primary]
    dest_node = keywords.get("dest")
    if isinstance(dest_node, ast.Constant) and isinstance(dest_node.value, str):
        dest = dest_node.value
    else:
        dest = name.lstrip("-").replace("-", "_") if positional or longs else flags[0].lstrip("-")
    if action == "BooleanOptionalAction":
        aliases.extend(f"--no-{flag[2:]}" for flag in longs)
    value, computed = _default_text(action, keywords.get("default"), names)
    description = _help_text(keywords.get("help"))
    if computed:
        description = f"{description} (default computed by the script: {computed})".strip()
    return ArgSpec(
        name=name,
        value=value,
        type=_type_name(action, keywords),
        description=description,
        positional=positional,
        aliases=tuple(aliases),
        action=action,
        dest=dest,
    )


def _action_name(node: ast.expr | None) -> str:
    if node is None:
        return "store"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute):  # argparse.BooleanOptionalAction
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _type_name(action: str, keywords: dict[str, ast.expr]) -> str:
    if action in _BOOL_ACTIONS:
        return "bool"
    if action in _LIST_ACTIONS or _is_list_nargs(keywords.get("nargs")):
        return "list"
    if action == "count":
        return "int"
    if action != "store":
        return ""
    type_node = keywords.get("type")
    if type_node is None:
        return "str"  # argparse hands the script the string as typed
    if isinstance(type_node, ast.Name) and type_node.id in _KNOWN_TYPES:
        return type_node.id
    return ""


def _is_list_nargs(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool):
            return value >= 1  # even nargs=1 gives the script a list
        return value in _LIST_NARGS
    return isinstance(node, ast.Attribute) and node.attr in _LIST_NARGS


def _default_text(action: str, node: ast.expr | None, names: dict[str, object]) -> tuple[str, str]:
    """The default as a task value, and the expression's text when only the script can compute it."""
    if node is None:
        if action == "store_true":
            return "false", ""
        return ("true" if action == "store_false" else ""), ""
    if isinstance(node, ast.Attribute) and node.attr == "SUPPRESS":
        return "", ""
    value = evaluate(node, names)
    if value is NOT_CONSTANT:
        # Left out of the command line, so the script computes it as it always does.
        return "", ast.unparse(node)
    return literal_text(value), ""


def literal_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        try:
            return json.dumps(list(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _help_text(node: ast.expr | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def apply_arg_overrides(specs: list[ArgSpec], argv: list[str]) -> list[ArgSpec]:
    """Copies of `specs` with the values `argv` gives; options the script does not declare are appended."""
    return _Overrides([replace(spec) for spec in specs], argv).apply()


class _Overrides:
    """One pass over an override argv, read the way argparse would read it for the declared arguments."""

    def __init__(self, specs: list[ArgSpec], argv: list[str]) -> None:
        self.specs = specs
        self.argv = argv
        self.index = 0
        self.after_separator = False
        self.by_flag: dict[str, ArgSpec] = {}
        for spec in specs:
            if not spec.positional:
                for flag in (_primary_flag(spec), *spec.aliases):
                    self.by_flag.setdefault(flag, spec)
        self.open_positionals = [spec for spec in specs if spec.positional]
        # What this argv already gave: a repeated append option or count flag adds to it.
        self.given: dict[str, list[str]] = {}

    def apply(self) -> list[ArgSpec]:
        while self.index < len(self.argv):
            token = self.argv[self.index]
            self.index += 1
            if token == "--" and not self.after_separator:
                self.after_separator = True
            elif self.after_separator or not _is_option(token):
                self._set_positional(token)
            else:
                self._set_option(*token.partition("="))
        return self.specs

    def _set_positional(self, token: str) -> None:
        if not self.open_positionals:
            raise InvalidValue(f"unexpected argument '{token}': the script declares no more positional arguments")
        spec = self.open_positionals.pop(0)
        spec.value = _json_list([token, *self._take_values()]) if spec.type == "list" else token

    def _set_option(self, flag: str, has_inline: str, inline: str) -> None:
        spec = self.by_flag.get(flag)
        if spec is None:
            spec = ArgSpec(name=flag[2:] if flag.startswith("--") else flag, value="", type="", description="")
            self.by_flag[flag] = spec
            self.specs.append(spec)
            value = inline if has_inline else self._take_value()
            spec.value = "true" if value is None else value  # a bare unknown option reads as a set flag
        elif spec.type == "bool":
            spec.value = _bool_text(inline, flag) if has_inline else _bare_flag_value(spec, flag)
        elif spec.action == "count":
            self.given.setdefault(spec.name, []).append(flag)
            spec.value = str(len(self.given[spec.name]))
        elif spec.type == "list":
            values = [inline] if has_inline else self._take_values()
            if spec.action in _LIST_ACTIONS:
                values = self.given[spec.name] = self.given.get(spec.name, []) + values
            spec.value = _json_list(values)
        else:
            value = inline if has_inline else self._take_value()
            if value is None:
                raise InvalidValue(f"option {flag} expects a value")
            spec.value = value

    def _take_value(self) -> str | None:
        if self.index < len(self.argv) and (self.after_separator or not _is_option(self.argv[self.index])):
            self.index += 1
            return self.argv[self.index - 1]
        return None

    def _take_values(self) -> list[str]:
        values: list[str] = []
        while (value := self._take_value()) is not None:
            values.append(value)
        return values


def _primary_flag(spec: ArgSpec) -> str:
    return spec.name if spec.name.startswith("-") else f"--{spec.name}"


def _is_option(token: str) -> bool:
    if not token.startswith("-") or token == "-" or _NEGATIVE_NUMBER.fullmatch(token):
        return False
    return " " not in token.partition("=")[0]  # like argparse: "-a b" with a space is a value


def _bare_flag_value(spec: ArgSpec, flag: str) -> str:
    if spec.action == "store_false":
        return "false"
    if spec.action == "BooleanOptionalAction" and flag.startswith("--no-") and flag != _primary_flag(spec):
        return "false"
    if flag != _primary_flag(spec) and (spec.action == "switch" and flag == f"--no-{spec.name}"
                                        or spec.action == f"switch={flag}"):
        return "false"
    return "true"


def _bool_text(text: str, flag: str) -> str:
    lowered = text.strip().lower()
    if lowered in {"true", "1", "yes", "on"}:
        return "true"
    if lowered in {"false", "0", "no", "off"}:
        return "false"
    raise InvalidValue(f"option {flag} is a flag: give true or false, not '{text}'")


def _json_list(values: list[str]) -> str:
    return json.dumps([_json_item(value) for value in values])


def _json_item(text: str) -> int | float | str:
    # Numbers only when they read back exactly as typed, so "007" or "1e-3" keep their spelling.
    if _INTEGER.fullmatch(text) and str(int(text)) == text:
        return int(text)
    if _DECIMAL.fullmatch(text) and repr(float(text)) == text:
        return float(text)
    return text
