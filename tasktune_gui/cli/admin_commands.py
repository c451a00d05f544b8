"""Queues, projects and models: `queue ...`, `project ...`, `model ...`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tasktune_gui.cli.common import UsageError, at_file, opened_core, print_created, print_json
from tasktune_gui.cli.slurm_options import (
    add_slurm_options,
    has_slurm_options,
    slurm_options_from,
    slurm_summary,
)
from tasktune_gui.core.lookup import get_project, project_name
from tasktune_gui.core.queues import MOVES
from tasktune_gui.core.serialize import iso


def add_parsers(commands: Any) -> None:
    queue = commands.add_parser("queue", help="list, create, delete queues; reorder their tasks")
    queue_actions = queue.add_subparsers(dest="action", metavar="ACTION", required=True,
                                         parser_class=type(queue))
    queue_actions.add_parser("list", help="queues with pending counts and workers").set_defaults(
        handler=_queue_list)
    show = queue_actions.add_parser("show", help="a queue's tasks in the order they will run")
    show.add_argument("name")
    show.set_defaults(handler=_queue_show)
    create = queue_actions.add_parser(
        "create", help="create a queue (--ssh: its tasks run on that host; --slurm: as jobs on that partition)")
    create.add_argument("name")
    where = create.add_mutually_exclusive_group()
    _add_ssh_options(create, where)
    add_slurm_options(create, where)
    create.set_defaults(handler=_queue_create)
    bind = queue_actions.add_parser(
        "set", help="bind a queue to an SSH host or a Slurm partition (or change its Slurm options), or back to "
                    "the worker's machine")
    bind.add_argument("name")
    where = bind.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help="run its tasks on the worker's own machine again")
    _add_ssh_options(bind, where)
    add_slurm_options(bind, where)
    bind.set_defaults(handler=_queue_set)
    delete = queue_actions.add_parser("delete", help="delete an empty queue")
    delete.add_argument("name")
    delete.set_defaults(handler=lambda a: _with(a, lambda c: c.queues.delete(a.name)))
    move = queue_actions.add_parser("move", help="move a pending task within its queue")
    move.add_argument("id")
    move.add_argument("--to", required=True, choices=MOVES)
    move.set_defaults(handler=lambda a: _with(a, lambda c: c.queues.move(a.id, a.to)))

    project = commands.add_parser("project", help="list or create projects")
    project_actions = project.add_subparsers(dest="action", metavar="ACTION", required=True,
                                             parser_class=type(project))
    project_actions.add_parser("list", help="projects with task counts").set_defaults(handler=_project_list)
    create = project_actions.add_parser("create", help="create a project ('a/b' nests b in a)")
    create.add_argument("name")
    create.add_argument("--description", default="")
    create.set_defaults(handler=_project_create)

    model = commands.add_parser("model", help="list, create or show models")
    model_actions = model.add_subparsers(dest="action", metavar="ACTION", required=True,
                                         parser_class=type(model))
    listing = model_actions.add_parser("list", help="models, newest first")
    listing.add_argument("--project", default=None)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_model_list)
    create = model_actions.add_parser("create", help="register a model; prints its id")
    create.add_argument("--name", required=True)
    create.add_argument("--project", default=None)
    create.add_argument("--uri", default="")
    create.add_argument("--framework", default="")
    create.add_argument("--design", default=None, metavar="@FILE", help="its configuration text")
    create.add_argument("--labels", default=None, metavar="JSON", help='e.g. {"cat": 0, "dog": 1}')
    create.set_defaults(handler=_model_create)
    show = model_actions.add_parser("show", help="one model")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_model_show)


def _add_ssh_options(parser: argparse.ArgumentParser, host_group: Any = None) -> None:
    (host_group or parser).add_argument("--ssh", metavar="HOST", default=None,
                                        help="an alias (or host) of your ~/.ssh/config; the worker runs tasks there")
    parser.add_argument("--remote-dir", metavar="DIR", default=None,
                        help="the folder on the host for workspaces and environments (default ~/.tasktune)")
    parser.add_argument("--gpus", metavar="G", default=None,
                        help="the SSH host's GPUs (0,1); with --slurm, the GPUs of each job (--gpus)")


def _queue_create(args: argparse.Namespace) -> int:
    slurm = slurm_options_from(args, None)
    with opened_core(args) as core:
        gpus = "" if slurm else args.gpus or ""
        core.queues.create(args.name, args.ssh or "", args.remote_dir or "", gpus, slurm=slurm)
    return 0


def _queue_set(args: argparse.Namespace) -> int:
    slurm_given = args.slurm is not None or has_slurm_options(args)
    if not (args.local or args.ssh or slurm_given):
        raise UsageError("say where the queue runs: --local, --ssh HOST or --slurm PARTITION (or its options)")
    if args.local and (args.remote_dir or args.gpus or slurm_given):
        raise UsageError("--local takes no --remote-dir, --gpus or Slurm options")
    with opened_core(args) as core:
        if slurm_given:
            slurm = slurm_options_from(args, core.queues.slurm_options(args.name))
            if slurm is None:
                raise UsageError(f"queue '{args.name}' is not on Slurm: give --slurm PARTITION")
            core.queues.bind(args.name, "", slurm=slurm)
        else:
            core.queues.bind(args.name, "" if args.local else args.ssh, args.remote_dir or "", args.gpus or "")
    return 0


def _with(args: argparse.Namespace, action: Any) -> int:
    with opened_core(args) as core:
        action(core)
    return 0


def _queue_list(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        summaries = core.queues.summaries()
    width = max([len("QUEUE")] + [len(s.name) for s in summaries])
    print(f"{'QUEUE'.ljust(width)}  PENDING  WORKERS  HOST")
    for s in summaries:
        host = f"ssh:{s.ssh_host}" + (f" ({s.remote_dir})" if s.remote_dir else "") if s.ssh_host else "local"
        gpus = f" gpus {s.gpus}" if s.gpus else ""
        if s.slurm:
            host, gpus = f"slurm:{s.slurm.partition}", slurm_summary(s.slurm)
        print(f"{s.name.ljust(width)}  {s.pending:>7}  {s.workers:>7}  {host}{gpus}")
    return 0


def _queue_show(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        entries = core.queues.entries(args.name)
    for entry in entries:
        print(f"{entry.position:>4}  {entry.task_id}  {entry.name}")
    return 0


def _project_list(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        projects = core.projects.summaries()
    for project in projects:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(project.counts.items()))
        print(f"{project.name}" + (f"  ({counts})" if counts else ""))
    return 0


def _project_create(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        project = core.projects.create(args.name, args.description)
    print_created(str(project.id), "project")
    return 0


def _model_create(args: argparse.Namespace) -> int:
    design = at_file(args.design, "--design") if args.design is not None else ""
    labels: dict[str, int] = {}
    if args.labels:
        try:
            labels = json.loads(args.labels)
        except json.JSONDecodeError as exc:
            raise UsageError(f"--labels is not JSON: {exc.msg}") from None
        if not isinstance(labels, dict) or not all(isinstance(v, int) for v in labels.values()):
            raise UsageError('--labels must map names to integers, like {"cat": 0, "dog": 1}')
    with opened_core(args) as core:
        model_id = core.models.create(args.name, project=args.project, uri=args.uri, framework=args.framework,
                                      design=design, labels=labels)
    print_created(model_id, "model")
    return 0


def _model_record(model: Any, project: str) -> dict[str, Any]:
    return {"id": model.id, "name": model.name, "project": project, "uri": model.uri,
            "framework": model.framework, "design": model.design, "labels": dict(model.labels),
            "tags": list(model.tags), "task": model.task_id, "size": model.size, "hash": model.hash,
            "created": iso(model.created)}


def _model_list(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        if args.project:
            with core.store.read() as session:
                get_project(session, args.project)  # an unknown project is refused, as `list` does
        records = [_model_record(m, p) for m, p in core.models.list(args.project)]
    if args.json:
        print_json(records)
    else:
        for record in records:
            print(f"{record['id']}  {record['name']}  {record['project']}  {record['uri']}")
    return 0


def _model_show(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        model = core.models.get(args.id)
        with core.store.read() as session:
            record = _model_record(model, project_name(session, model.project_id) if model.project_id else "")
    if args.json:
        print_json(record)
    else:
        for key, value in record.items():
            print(f"{key:10} {value}")
    return 0
