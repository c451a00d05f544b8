"""`tasktune sweep create|stop|pause|resume|extend`: a task tuned automatically, its trials run by the workers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from tasktune_gui.cli.common import UsageError, opened_core, positive_int, print_created, read_file
from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.sweeps.definition import (
    METHODS,
    PRUNERS,
    Objective,
    SweepDefinition,
    SweepParam,
    parse_objective,
    parse_param,
)


def _checked(parse: Callable[[str], Any], what: str) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return parse(text)
        except InvalidValue as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = what
    return convert


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above 0")
    return value


def add_parsers(commands: Any) -> None:
    sweep = commands.add_parser("sweep", help="tune a task automatically: a sweep of trials (Optuna)")
    actions = sweep.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(sweep))
    create = actions.add_parser("create", help="make the sweep task of a base task; prints its id")
    create.add_argument("base", help="the task whose clones are the trials")
    create.add_argument("--from", dest="from_file", default=None, metavar="FILE",
                        help="a definition `sweep export` wrote; options given here change it")
    create.add_argument("--param", action="append", default=None, type=_checked(parse_param, "param"),
                        metavar="SECTION/NAME=RANGE",
                        help="log:LOW:HIGH, uniform:LOW:HIGH, int:LOW:HIGH[:STEP] or choice:A,B,C (repeatable)")
    create.add_argument("--objective", default=None, type=_checked(parse_objective, "objective"),
                        metavar="TITLE/SERIES:min|max", help="the scalar to minimise or maximise")
    value = create.add_mutually_exclusive_group()
    value.add_argument("--last", dest="best", action="store_false", default=None,
                       help="a trial's last reported value counts (the default)")
    value.add_argument("--best", dest="best", action="store_true", help="its best value over the run counts")
    create.add_argument("--method", choices=METHODS, default=None, help="the search (default tpe)")
    create.add_argument("--trials", type=positive_int, default=None,
                        help="total trials (default: a grid's size, else 10)")
    create.add_argument("--parallel", type=positive_int, default=None,
                        help="trials at once, a hard limit (default 1)")
    create.add_argument("--trial-time", type=seconds, default=None, metavar="S",
                        help="a trial running longer is aborted")
    create.add_argument("--wall-time", type=seconds, default=None, metavar="S",
                        help="the sweep launches nothing after this and aborts what runs")
    create.add_argument("--prune", choices=PRUNERS, default=None, help="stop trials behind the others early")
    create.add_argument("--queue", default=None, help="enqueue the sweep itself there now (else it is a Draft)")
    create.add_argument("--trials-queue", default=None, metavar="Q", help="where trials go (default: default)")
    create.add_argument("--name", default=None, help='the sweep\'s name (default "Sweep of BASE")')
    create.set_defaults(handler=_create)
    for name, text in (("stop", "abort running trials, dequeue pending ones and end the sweep, in one step"),
                       ("pause", "launch no new trials (running ones go on)"),
                       ("resume", "launch trials again")):
        action = actions.add_parser(name, help=text)
        action.add_argument("id")
        action.set_defaults(handler=_state_change(name))
    extend = actions.add_parser("extend", help="add N trials (an ended sweep is enqueued again)")
    extend.add_argument("id")
    extend.add_argument("n", type=positive_int)
    extend.set_defaults(handler=_extend)
    export = actions.add_parser("export", help="print a sweep's definition as JSON (for sweep create --from)")
    export.add_argument("id")
    export.set_defaults(handler=_export)
    keep = actions.add_parser("keep", help="archive every ended trial but the K best")
    keep.add_argument("id")
    keep.add_argument("k", type=int)
    keep.set_defaults(handler=_keep)


def _from_file(path: str) -> SweepDefinition:
    try:
        return SweepDefinition.from_json(read_file(path, "sweep definition"))
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"'{path}' is not a sweep definition `sweep export` wrote ({exc})") from None


def _create(args: argparse.Namespace) -> int:
    start = _from_file(args.from_file) if args.from_file else None
    params: tuple[SweepParam, ...] = tuple(args.param or ()) or (start.params if start is not None else ())
    objective: Objective | None = args.objective or (start.objective if start is not None else None)
    if not params or objective is None:
        raise UsageError("sweep create needs --param and --objective (or --from FILE)")
    if args.best is not None:
        objective = Objective(objective.metric, objective.series, objective.goal, "best" if args.best else "last")
    given = {"method": args.method, "trials": args.trials, "parallel": args.parallel, "trial_time": args.trial_time,
             "wall_time": args.wall_time, "prune": args.prune, "trials_queue": args.trials_queue}
    options = {key: value for key, value in given.items() if value is not None}
    if start is not None:
        options = {"method": start.method, "trials": start.trials, "parallel": start.parallel,
                   "trial_time": start.trial_time, "wall_time": start.wall_time, "prune": start.prune,
                   "trials_queue": start.trials_queue, **options}
    definition = SweepDefinition(base=args.base, params=params, objective=objective, **options)
    with opened_core(args) as core:
        sweep_id = core.sweeps.create(definition, name=args.name, queue=args.queue)
    print_created(sweep_id, "sweep")
    return 0


def _state_change(name: str) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        with opened_core(args) as core:
            getattr(core.sweeps, name)(args.id)
        return 0

    return handler


def _extend(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        core.sweeps.extend(args.id, args.n)
    return 0


def _export(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        definition, _ = core.sweeps.get(args.id)
    print(definition.to_json())
    return 0


def _keep(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        archived = core.sweeps.keep_best(args.id, args.k)
    print(f"archived {len(archived)} trial(s)", file=sys.stderr)
    return 0
