"""`tasktune sweep create|stop|pause|resume|extend`: a task tuned automatically, its trials run by the workers."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from tasktune_gui.cli.common import opened_core, positive_int, print_created
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
    create.add_argument("--param", action="append", required=True, type=_checked(parse_param, "param"),
                        metavar="SECTION/NAME=RANGE",
                        help="log:LOW:HIGH, uniform:LOW:HIGH, int:LOW:HIGH[:STEP] or choice:A,B,C (repeatable)")
    create.add_argument("--objective", required=True, type=_checked(parse_objective, "objective"),
                        metavar="TITLE/SERIES:min|max", help="the scalar to minimise or maximise")
    value = create.add_mutually_exclusive_group()
    value.add_argument("--last", dest="best", action="store_false", default=False,
                       help="a trial's last reported value counts (the default)")
    value.add_argument("--best", dest="best", action="store_true", help="its best value over the run counts")
    create.add_argument("--method", choices=METHODS, default="tpe", help="the search (default tpe)")
    create.add_argument("--trials", type=positive_int, default=None,
                        help="total trials (default: a grid's size, else 10)")
    create.add_argument("--parallel", type=positive_int, default=1, help="trials at once, a hard limit (default 1)")
    create.add_argument("--trial-time", type=seconds, default=None, metavar="S",
                        help="a trial running longer is aborted")
    create.add_argument("--wall-time", type=seconds, default=None, metavar="S",
                        help="the sweep launches nothing after this and aborts what runs")
    create.add_argument("--prune", choices=PRUNERS, default=None, help="stop trials behind the others early")
    create.add_argument("--queue", default=None, help="enqueue the sweep itself there now (else it is a Draft)")
    create.add_argument("--trials-queue", default="default", metavar="Q", help="where trials go (default: default)")
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


def _create(args: argparse.Namespace) -> int:
    params: list[SweepParam] = args.param
    objective: Objective = args.objective
    if args.best:
        objective = Objective(objective.metric, objective.series, objective.goal, "best")
    definition = SweepDefinition(
        base=args.base, params=tuple(params), objective=objective, method=args.method, trials=args.trials,
        parallel=args.parallel, trial_time=args.trial_time, wall_time=args.wall_time, prune=args.prune,
        trials_queue=args.trials_queue)
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
