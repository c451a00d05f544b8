"""Task commands: create, clone, set, the lifecycle operations, and metadata edits."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tasktune_gui.cli.common import (
    UsageError,
    assignment_arg,
    at_file,
    opened_core,
    param_arg,
    read_file,
)
from tasktune_gui.cli.task_views import add_view_parsers
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import CaptureError
from tasktune_gui.core.lifecycle import EnqueueResult
from tasktune_gui.core.models import Task
from tasktune_gui.core.status import TaskType
from tasktune_gui.core.uris import validate_output_uri

Commands = Any  # argparse does not export its subparsers type
CONFIG_TYPES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}  # anything else is "txt"


def add_parsers(commands: Commands) -> None:
    _add_create(commands)
    _add_clone(commands)
    _add_set(commands)
    for name, summary in (
        ("dequeue", "take a pending task out of its queue"),
        ("abort", "abort a pending or running task"),
        ("reset", "clear a finished task's results and make it a Draft again"),
        ("publish", "freeze a finished task for good"),
        ("archive", "hide a task (dequeues or aborts it first)"),
        ("restore", "bring an archived task back"),
        ("delete", "delete a Draft or archived task and its results"),
    ):
        sub = commands.add_parser(name, help=summary, description=summary)
        sub.add_argument("id")
        sub.set_defaults(handler=_lifecycle, operation=name)
    enqueue = commands.add_parser("enqueue", help="put a task in a queue")
    enqueue.add_argument("id")
    enqueue.add_argument("--queue", default=None, help="queue name (default: default)")
    enqueue.set_defaults(handler=_enqueue)
    retry = commands.add_parser("retry", help="enqueue a failed task again to its last queue")
    retry.add_argument("id")
    retry.set_defaults(handler=_retry)
    move = commands.add_parser("move", help="move a task to another project (created if new)")
    move.add_argument("id")
    move.add_argument("--project", required=True)
    move.set_defaults(handler=lambda a: _metadata(a, lambda c: c.tasks.move(a.id, a.project)))
    tag = commands.add_parser("tag", help="add tags to a task (or remove them with --remove)")
    tag.add_argument("id")
    tag.add_argument("tags", nargs="+", metavar="TAG")
    tag.add_argument("--remove", action="store_true")
    tag.set_defaults(handler=_tag)
    rename = commands.add_parser("rename", help="rename a task")
    rename.add_argument("id")
    rename.add_argument("name")
    rename.set_defaults(handler=lambda a: _metadata(a, lambda c: c.tasks.rename(a.id, a.name)))
    describe = commands.add_parser("describe", help="set a task's description")
    describe.add_argument("id")
    describe.add_argument("text")
    describe.set_defaults(handler=lambda a: _metadata(a, lambda c: c.tasks.describe(a.id, a.text)))
    add_view_parsers(commands)


def _add_create(commands: Commands) -> None:
    sub = commands.add_parser("create", help="record a task from a script in a git working copy",
                              description="Record a task from a git working copy; prints its id.")
    sub.add_argument("--project", required=True)
    sub.add_argument("--name", required=True)
    sub.add_argument("--repo", required=True, metavar="PATH", help="the local git working copy holding the script")
    sub.add_argument("--script", required=True, help="path of the script (relative to --repo), or '-m module'")
    ref = sub.add_mutually_exclusive_group()
    ref.add_argument("--branch")
    ref.add_argument("--tag")
    ref.add_argument("--commit")
    sub.add_argument("--working-dir", default=None)
    sub.add_argument("--binary", default="python3")
    sub.add_argument("--args", default=None, metavar='"ARGS..."',
                     help='override the script\'s argument defaults, e.g. --args "--lr 0.1 --verbose"')
    sub.add_argument("--requirements", default=None, metavar="FILE", help="a pip requirements file")
    sub.add_argument("--container", default="", metavar="IMAGE")
    sub.add_argument("--container-args", default="", metavar='"ARGS..."',
                     help="extra docker run arguments, e.g. --container-args \"--shm-size 8g\"")
    sub.add_argument("--use-image-env", action="store_true",
                     help="in a container, run with the image's own Python instead of a virtual environment")
    sub.add_argument("--output-uri", default="")
    sub.add_argument("--type", default="training", choices=[t.value for t in TaskType])
    sub.add_argument("--queue", default=None, help="enqueue the new task right away")
    sub.set_defaults(handler=_create)


def _create(args: argparse.Namespace) -> int:
    # Imported here: only `create` needs git, and every other command starts faster without it.
    from tasktune_gui.core.capture import capture

    _check_working_copy(args.repo)
    requirements = read_file(args.requirements, "requirements") if args.requirements else None
    output_uri = validate_output_uri(args.output_uri)
    with opened_core(args) as core:
        found = capture(args.script, cwd=args.repo, working_dir=args.working_dir, commit=args.commit,
                        branch=args.branch, tag=args.tag, requirements=requirements, args=args.args)
        task = Task(
            id="", name=args.name, type=args.type, repository=found.repository, branch=found.branch,
            tag=found.tag, commit=found.commit, entry_point=found.entry_point, working_dir=found.working_dir,
            binary=args.binary, requirements=found.requirements, original_requirements=found.requirements,
            diff=found.diff, container_image=args.container, container_arguments=args.container_args,
            container_use_image_env=args.use_image_env, output_uri=output_uri,
            status_message=found.parameters.note,  # INFO shows it: why no arguments were read, what was left out
        )
        task_id = core.tasks.add(task, args.project, queue=args.queue, hyperparameters=found.hyperparameters(),
                                 configuration=found.parameters.configuration)
        if args.queue is not None:
            _warn_unwatched(core.queues.summaries(), args.queue)
    print(task_id)
    return 0


def _check_working_copy(repo: str) -> None:
    """`--repo` names a local working copy: capture reads the script, its arguments and the diff from it."""
    if Path(repo).expanduser().is_dir():
        return
    if "://" in repo or repo.startswith("git@"):
        raise CaptureError(f"--repo '{repo}' is a URL; create reads the script from a local working copy: "
                           "clone it and pass that folder")
    raise CaptureError(f"--repo '{repo}' is not a folder")


def _add_clone(commands: Commands) -> None:
    sub = commands.add_parser("clone", help="copy a task to a new Draft; prints the new id")
    sub.add_argument("id")
    sub.add_argument("--project", default=None, help="project of the clone (created if new)")
    sub.add_argument("--name", default=None, help='default: "Clone Of <name>"')
    sub.add_argument("--description", default=None)
    sub.set_defaults(handler=_clone)


def _clone(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        print(core.tasks.clone(args.id, project=args.project, name=args.name, description=args.description))
    return 0


def _add_set(commands: Commands) -> None:
    sub = commands.add_parser("set", help="edit a Draft's execution and configuration (all or nothing)")
    sub.add_argument("id")
    sub.add_argument("--param", type=param_arg, action="append", default=[], metavar="SECTION/NAME=VALUE")
    sub.add_argument("--env", type=assignment_arg("--env"), action="append", default=[], metavar="NAME=VALUE")
    sub.add_argument("--property", type=assignment_arg("--property"), action="append", default=[],
                     metavar="NAME=VALUE", help="a user property (editable until Published)")
    sub.add_argument("--config", type=assignment_arg("--config"), action="append", default=[],
                     metavar="NAME=@FILE", help="a configuration object from a file")
    sub.add_argument("--requirements", default=None, metavar="@FILE")
    diff = sub.add_mutually_exclusive_group()
    diff.add_argument("--diff", default=None, metavar="@FILE")
    diff.add_argument("--clear-diff", action="store_true")
    ref = sub.add_mutually_exclusive_group()
    ref.add_argument("--commit")
    ref.add_argument("--tag")
    sub.add_argument("--branch")
    sub.add_argument("--script", dest="entry_point")
    sub.add_argument("--working-dir")
    sub.add_argument("--binary")
    sub.add_argument("--repository")
    sub.add_argument("--container", dest="container_image", metavar="IMAGE")
    sub.add_argument("--container-args", dest="container_arguments", metavar='"ARGS..."',
                     help="extra docker run arguments")
    sub.add_argument("--setup-script", default=None, metavar="@FILE", help="the container's setup shell script")
    sub.add_argument("--use-image-env", action=argparse.BooleanOptionalAction, default=None,
                     help="in a container, run with the image's own Python instead of a virtual environment")
    sub.add_argument("--output-uri")
    sub.add_argument("--input-model", default=None, metavar="MODEL_ID", help="a model id, or '' to remove it")
    sub.set_defaults(handler=_set)


def build_edit(args: argparse.Namespace) -> TaskEdit:
    """Everything the command line asks for, read (files included) before the database is touched."""
    edit = TaskEdit()
    for name in ("commit", "tag", "branch", "entry_point", "working_dir", "binary", "repository",
                 "container_image", "container_arguments", "output_uri"):
        value = getattr(args, name)
        if value is not None:
            edit.execution[name] = value
    if args.requirements is not None:
        edit.execution["requirements"] = at_file(args.requirements, "--requirements")
    if args.diff is not None:
        edit.execution["diff"] = at_file(args.diff, "--diff")
    if args.clear_diff:
        edit.execution["diff"] = ""
    if args.setup_script is not None:
        edit.execution["container_setup_script"] = at_file(args.setup_script, "--setup-script")
    edit.hyperparameters = list(args.param) + [("Environment", name, value) for name, value in args.env]
    edit.user_properties = list(args.property)
    for name, value in args.config:
        path = value[1:] if value.startswith("@") else value
        suffix = path[path.rfind("."):].lower() if "." in path else ""
        edit.configuration.append((name, at_file(value, f"--config {name}"), CONFIG_TYPES.get(suffix, "txt")))
    if args.input_model is not None:
        edit.input_model = args.input_model or None
    edit.use_image_env = args.use_image_env
    return edit


def _set(args: argparse.Namespace) -> int:
    edit = build_edit(args)
    if edit == TaskEdit():
        raise UsageError("nothing to set: give at least one option, such as --param Args/lr=0.01")
    with opened_core(args) as core:
        core.editor.apply(args.id, edit)
    return 0


def _lifecycle(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        getattr(core.lifecycle, args.operation)(args.id)
    return 0


def _warn_unwatched(summaries: list[Any], queue: str) -> None:
    for summary in summaries:
        if summary.name == queue and summary.workers == 0:
            sys.stderr.write(
                f"warning: no worker watches queue '{queue}'; start one with: tasktune worker --queue {queue}\n"
            )


def _report(core: Any, result: EnqueueResult) -> None:
    if result.watchers == 0:
        _warn_unwatched([s for s in core.queues.summaries() if s.name == result.queue], result.queue)


def _enqueue(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        _report(core, core.lifecycle.enqueue(args.id, args.queue))
    return 0


def _retry(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        _report(core, core.lifecycle.retry(args.id))
    return 0


def _tag(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        if args.remove:
            core.tasks.remove_tags(args.id, args.tags)
        else:
            core.tasks.add_tags(args.id, args.tags)
    return 0


def _metadata(args: argparse.Namespace, change: Any) -> int:
    with opened_core(args) as core:
        change(core)
    return 0
