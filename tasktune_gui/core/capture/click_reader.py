"""A click or typer command's parameters, read from the script's source with ast (never run), as Args specs."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from tasktune_gui.core.capture.argparse_reader import SUBCOMMAND, ArgSpec, literal_text
from tasktune_gui.core.capture.constants import NOT_CONSTANT, evaluate, module_constants

_TYPES = {"int": "int", "float": "float", "str": "str", "bool": "bool", "INT": "int", "FLOAT": "float",
          "STRING": "str", "BOOL": "bool", "IntRange": "int", "FloatRange": "float", "Choice": "str", "Path": "str",
          "File": "str", "UUID": "str", "DateTime": "str"}
_LIST_ANNOTATIONS = frozenset({"List", "list", "Sequence", "Tuple", "tuple", "Set", "set"})


@dataclass
class _Command:
    name: str
    function: ast.FunctionDef
    is_group: bool
    parent: str | None  # the variable of the group (click) or Typer app (typer) it belongs to
    typer: bool
    params: list[ArgSpec] = field(default_factory=list)


def read_click_arguments(source: str, argv: list[str] | None = None) -> list[ArgSpec] | None:
    """The command's parameters (a group's, then the chosen subcommand's); None when the script has no click or
    typer command."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names = module_constants(tree)
    commands = _commands(tree)
    if not commands:
        return None
    for command in commands:
        command.params = _typer_params(command.function, names) if command.typer else _click_params(
            command.function, names)
    groups = [c for c in commands if c.is_group]
    if groups:
        group = groups[0]
        members = [c for c in commands if c.parent == _variable_of(group) and c is not group]
        return _with_subcommand(group.params, members, argv)
    typer_apps = {c.parent for c in commands if c.typer and c.parent}
    if len(commands) > 1 and typer_apps:  # a Typer app with several commands needs the command's name
        return _with_subcommand([], [c for c in commands if c.parent in typer_apps], argv)
    return commands[0].params


def _with_subcommand(head: list[ArgSpec], members: list[_Command], argv: list[str] | None) -> list[ArgSpec]:
    if not members:
        return head
    by_name = {member.name: member for member in members}
    chosen = next((by_name[word] for word in argv or [] if word in by_name), members[0])
    marker = ArgSpec("command", chosen.name, SUBCOMMAND, f"one of: {', '.join(by_name)}", positional=True,
                     action=SUBCOMMAND)
    taken = {spec.name for spec in head}
    return [*head, marker, *(spec for spec in chosen.params if spec.name not in taken)]


def _variable_of(command: _Command) -> str:
    return command.function.name if not command.typer else (command.parent or "")


def _commands(tree: ast.Module) -> list[_Command]:
    typer_apps = {ast.unparse(node.targets[0]) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  and len(node.targets) == 1 and isinstance(node.value, ast.Call) and _called(node.value) == "Typer"}
    typer_run = {node.args[0].id for node in ast.walk(tree) if isinstance(node, ast.Call) and node.args
                 and _called(node) == "run" and isinstance(node.func, ast.Attribute)
                 and ast.unparse(node.func.value) == "typer" and isinstance(node.args[0], ast.Name)}
    found: list[_Command] = []
    # `group.add_command(train)` / `group.add_command(train, name="fit")`: commands joined to a group later.
    added = {node.args[0].id: (ast.unparse(node.func.value), node) for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_command"
             and node.args and isinstance(node.args[0], ast.Name)}
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    functions.sort(key=lambda node: node.lineno)
    for function in functions:
        if function.name in typer_run:
            found.append(_Command(_command_name(function.name, None), function, False, None, True))
            continue
        for decorator in function.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            kind = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target,
                                                                                                 ast.Name) else ""
            owner = ast.unparse(target.value) if isinstance(target, ast.Attribute) else None
            if owner in typer_apps and kind in ("command", "callback"):
                name = _command_name(function.name, call)
                found.append(_Command(name, function, kind == "callback", owner, True))
            elif kind in ("command", "group") and owner not in typer_apps:
                parent = None if owner in (None, "click") else owner
                name = _command_name(function.name, call)
                if function.name in added:
                    parent, joining = added[function.name]
                    given = next((k.value for k in joining.keywords if k.arg == "name"), joining.args[1] if len(
                        joining.args) > 1 else None)
                    if isinstance(given, ast.Constant) and isinstance(given.value, str):
                        name = given.value
                found.append(_Command(name, function, kind == "group", parent, False))
            else:
                continue
            break
    return found


def _command_name(function: str, call: ast.Call | None) -> str:
    if call is not None:
        given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "name"), None)
        if isinstance(given, ast.Constant) and isinstance(given.value, str):
            return given.value
    return function.lower().replace("_", "-")


def _called(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id if isinstance(
        call.func, ast.Name) else ""


def _click_params(function: ast.FunctionDef, names: dict[str, object]) -> list[ArgSpec]:
    specs: list[ArgSpec] = []
    for decorator in function.decorator_list:  # top to bottom: click's own order of parameters
        if isinstance(decorator, ast.Call) and _called(decorator) in ("option", "argument"):
            decls = [a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            keywords = {k.arg: k.value for k in decorator.keywords if k.arg}
            spec = (_option(decls, keywords, names) if _called(decorator) == "option"
                    else _argument(decls, keywords, names))
            if spec is not None and all(spec.name != taken.name for taken in specs):
                specs.append(spec)
    return specs


def _option(decls: list[str], keywords: dict[str, ast.expr], names: dict[str, object],
            annotation: ast.expr | None = None, typer_name: str = "") -> ArgSpec | None:
    flags: list[str] = []
    secondary: list[str] = []
    for decl in decls:
        if "/" in decl:
            on, _, off = decl.partition("/")
            flags.extend(part.strip() for part in on.split() if part.strip())
            secondary.append(off.strip())
        elif decl.startswith("-"):
            flags.append(decl)
    if not flags and typer_name:
        flags = [f"--{typer_name.replace('_', '-')}"]
    if not flags:
        return None
    longs = [flag for flag in flags if flag.startswith("--")]
    primary = longs[0] if longs else flags[0]
    key = primary[2:] if primary.startswith("--") else primary
    value, computed = _default(keywords.get("default"), names)
    kind = _kind(keywords.get("type"), annotation, value)
    action = "store"
    is_flag = _true(keywords.get("is_flag")) or bool(secondary)
    if _true(keywords.get("multiple")) or (annotation is not None and _is_list(annotation)):
        kind, action = "list", "append"
    elif _true(keywords.get("count")):
        kind, action, value = "int", "count", value or "0"
    elif typer_name and kind == "bool" and not is_flag:
        is_flag = True  # typer makes every bool option a flag, with --no-<name> unless its names say otherwise
        if not decls or any("/" in decl for decl in decls):
            secondary = secondary or [f"--no-{key}"]
    if is_flag:
        kind = "bool"
        value = value or "false"
        if secondary:
            action = "switch" if secondary[0] == f"--no-{key}" else f"switch={secondary[0]}"
        else:
            action = "store_true"
    elif _nargs(keywords.get("nargs")) not in (None, 1):
        kind = "list"
    description = _help(keywords.get("help"), computed)
    return ArgSpec(key, value, kind, description, aliases=tuple(f for f in [*flags, *secondary] if f != primary),
                   action=action)


def _argument(decls: list[str], keywords: dict[str, ast.expr], names: dict[str, object],
              annotation: ast.expr | None = None) -> ArgSpec | None:
    if not decls:
        return None
    value, computed = _default(keywords.get("default"), names)
    kind = _kind(keywords.get("type"), annotation, value)
    if _nargs(keywords.get("nargs")) not in (None, 1) or (annotation is not None and _is_list(annotation)):
        kind = "list"
    return ArgSpec(decls[0], value, kind, _help(keywords.get("help"), computed), positional=True)


def _typer_params(function: ast.FunctionDef, names: dict[str, object]) -> list[ArgSpec]:
    args = function.args.args
    defaults: list[ast.expr | None] = [None] * (len(args) - len(function.args.defaults)) + list(
        function.args.defaults)
    specs: list[ArgSpec] = []
    for arg, default in zip(args, defaults, strict=True):
        annotation, marker = _annotated(arg.annotation)
        if isinstance(default, ast.Call) and _called(default) in ("Option", "Argument"):
            marker, default = default, default.args[0] if default.args else None
            if isinstance(default, ast.Constant) and default.value is Ellipsis:
                default = None
        decls = [a.value for a in (marker.args if marker else []) if isinstance(a, ast.Constant)
                 and isinstance(a.value, str)]
        keywords = {k.arg: k.value for k in marker.keywords if k.arg} if marker else {}
        if "default" in keywords:
            default = keywords.pop("default")
        if default is not None:
            keywords["default"] = default
        if _called(marker) == "Argument" if marker else default is None:
            spec = _argument([arg.arg], keywords, names, annotation)  # typer names arguments by the parameter
        else:
            spec = _option(decls, keywords, names, annotation, typer_name=arg.arg)
        if spec is not None:
            specs.append(spec)
    return specs


def _annotated(annotation: ast.expr | None) -> tuple[ast.expr | None, ast.Call | None]:
    """`Annotated[int, typer.Option(...)]` → (int, the Option call)."""
    if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value).endswith("Annotated"):
        parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        marker = next((p for p in parts[1:] if isinstance(p, ast.Call) and _called(p) in ("Option", "Argument")),
                      None)
        return parts[0], marker
    return annotation, None


def _default(node: ast.expr | None, names: dict[str, object]) -> tuple[str, str]:
    if node is None:
        return "", ""
    value = evaluate(node, names)
    if value is NOT_CONSTANT:
        return "", ast.unparse(node)
    return literal_text(value), ""


def _kind(type_node: ast.expr | None, annotation: ast.expr | None, value: str) -> str:
    for node in (type_node, _optional_inner(annotation)):
        if node is None:
            continue
        name = ast.unparse(node.func if isinstance(node, ast.Call) else node).rsplit(".", 1)[-1]
        if name in _TYPES:
            return _TYPES[name]
        if isinstance(node, ast.Tuple):
            return "list"
        return ""
    if value in ("true", "false"):
        return "bool"
    for kind, check in (("int", int), ("float", float)):
        try:
            check(value)
        except ValueError:
            continue
        return kind
    return "str"


def _optional_inner(annotation: ast.expr | None) -> ast.expr | None:
    if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value).rsplit(".", 1)[-1] == "Optional":
        return annotation.slice
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):  # int | None
        return annotation.left if ast.unparse(annotation.right) == "None" else annotation.right
    return annotation


def _is_list(annotation: ast.expr) -> bool:
    inner = _optional_inner(annotation)
    return isinstance(inner, ast.Subscript) and ast.unparse(inner.value).rsplit(".", 1)[-1] in _LIST_ANNOTATIONS


def _true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _nargs(node: ast.expr | None) -> int | None:
    value = evaluate(node) if node is not None else None
    return value if isinstance(value, int) else None


def _help(node: ast.expr | None, computed: str) -> str:
    text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
    return f"{text} (default computed by the script: {computed})".strip() if computed else text
