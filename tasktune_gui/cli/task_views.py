"""Reading tasks: `show`, `list` and `log` (with --follow)."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from tasktune_gui.cli.common import one_line, opened_core, positive_int, print_json, status_list
from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.history import person_line
from tasktune_gui.core.lookup import get_task
from tasktune_gui.core.serialize import iso, task_summary
from tasktune_gui.core.status import Status
from tasktune_gui.core.tasks import SORTABLE, TaskQuery, validate_task_type

FINAL = {Status.COMPLETED, Status.FAILED, Status.ABORTED, Status.PUBLISHED, Status.DRAFT}
FOLLOW_POLL_SECONDS = 0.1


def add_view_parsers(commands: Any) -> None:
    show = commands.add_parser("show", help="show one task")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="the whole record as JSON")
    show.set_defaults(handler=_show)
    listing = commands.add_parser("list", help="list tasks, most recently updated first")
    listing.add_argument("--project", default=None)
    listing.add_argument("--status", action="append", default=None, help="e.g. pending,running (repeatable)")
    listing.add_argument("--type", action="append", default=None, help="e.g. training (repeatable)")
    listing.add_argument("--tag", action="append", default=None, help="tasks with this tag (repeatable: any of them)")
    listing.add_argument("--user", action="append", default=None, help="tasks created by this user (repeatable)")
    listing.add_argument("--search", default="", help="part of a name, or the start of an id")
    listing.add_argument("--archived", action="store_true", help="list archived tasks instead")
    listing.add_argument("--sort", default="last_update", choices=SORTABLE)
    listing.add_argument("--ascending", action="store_true")
    listing.add_argument("--limit", type=positive_int, default=100, help="at most this many (default 100)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    log = commands.add_parser("log", help="print a task's console output")
    log.add_argument("id")
    log.add_argument("--follow", "-f", action="store_true", help="keep printing until the task ends")
    log.add_argument("--timestamps", action="store_true", help="a UTC time before each line")
    log.set_defaults(handler=_log)


TERMINAL_COLUMN = 60


def printable(text: str) -> str:
    """Control characters as escapes (\\x1b, \\n, ...), so a value can only be read, never act on the terminal."""
    return "".join(ch if 32 <= ord(ch) < 127 or ord(ch) >= 160 else ascii(ch)[1:-1] for ch in text)


def clip(text: str, width: int | None) -> str:
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _show(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        record = core.task_json(args.id, with_history=True)
    if args.json:
        print_json(record)
        return 0
    execution = record["execution"]
    ref = execution["commit"] or (f"tag {execution['tag']}" if execution["tag"] else "")
    ref = ref or (f"head of {execution['branch']}" if execution["branch"] else "")
    lines = [
        f"{record['name']}  [{record['status']}]  {record['id']}",
        f"  project     {record['project']}   type {record['type']}   user {record['user']}",
        f"  reason      {record['status_reason']}" if record["status_reason"] else "",
        f"  slurm job   {record['slurm_job_id']}" if record.get("slurm_job_id") else "",
        f"  last change {person_line(record['history'])}" if record.get("history") else "",
        f"  description {one_line(record['description'])}" if record["description"] else "",
        f"  parent      {record['parent']}" if record["parent"] else "",
        f"  updated     {record['last_update']}" if record["last_update"] else "",
        f"  repository  {execution['repository']}  {ref}",
        f"  script      {execution['entry_point']}  (in {execution['working_dir']}, with {execution['binary']})",
        f"  diff        {len(execution['diff'].splitlines())} line(s)" if execution["diff"] else "",
        f"  queue       {execution['queue']}" if execution["queue"] else "",
        f"  tags        {', '.join(record['tags'])}" if record["tags"] else "",
    ]
    for section, names in record["hyperparams"].items():
        lines.append(f"  {section}")
        lines.extend(f"    {name} = {spec['value']}" for name, spec in names.items())
    for name, spec in record["user_properties"].items():
        lines.append(f"  property {name} = {spec['value']}")
    for name, spec in record["configuration"].items():
        lines.append(f"  configuration {name} ({spec['type'] or 'text'}, {len(spec['value'])} chars)")
    for metric, value in record["metrics"].items():
        lines.append(f"  metric {metric} = {value}")
    print("\n".join(printable(line) for line in lines if line))
    return 0


def _list(args: argparse.Namespace) -> int:
    statuses = status_list(args.status)
    unknown = [s for s in statuses if s not in {x.value for x in Status}]
    if unknown:
        raise InvalidValue(f"'{unknown[0]}' is not a status (use {', '.join(s.value for s in Status)})")
    types = status_list(args.type)
    for task_type in types:
        validate_task_type(task_type)
    query = TaskQuery(project=args.project, statuses=statuses, types=types,
                      tags=args.tag or [], users=args.user or [], search=args.search, archived=args.archived,
                      order_by=args.sort, descending=not args.ascending, limit=args.limit)
    with opened_core(args) as core:
        tasks = core.tasks.query(query)
        with core.store.read() as session:
            rows = [task_summary(session, task) for task in tasks]
    if args.json:
        print_json(rows)
        return 0
    header = ("ID", "STATUS", "NAME", "PROJECT", "UPDATED")
    # Names are shown, never obeyed: escape sequences and newlines printed raw could recolour the terminal or
    # break the table. On a terminal a long name is cut, so one 120 KB name does not pad every row.
    cap = TERMINAL_COLUMN if sys.stdout.isatty() else None
    table = [header] + [
        (r["id"], r["status"], clip(printable(r["name"]), cap), clip(printable(r["project"]), cap),
         (r["last_update"] or "")[:19].replace("T", " "))
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _log(args: argparse.Namespace) -> int:
    with opened_core(args) as core:
        task_id = core.tasks.get(args.id).id
        last = _print_lines(core, task_id, 0, args.timestamps)
        if args.follow:
            _follow(core, task_id, last, args.timestamps)
    return 0


def _print_lines(core: Core, task_id: str, after: int, timestamps: bool) -> int:
    while lines := core.results.console(task_id, after=after):
        out = sys.stdout
        for line in lines:
            out.write(f"{iso(line.time)} {line.text}\n" if timestamps else f"{line.text}\n")
        out.flush()
        after = lines[-1].id
    return after


def _follow(core: Core, task_id: str, after: int, timestamps: bool) -> None:
    """Print new lines as they are stored, until the task reaches a final status."""
    tick = threading.Event()  # never set: a timed wait that Ctrl-C can interrupt
    while True:
        after = _print_lines(core, task_id, after, timestamps)
        with core.store.read() as session:
            status = Status(get_task(session, task_id).status)
        if status in FINAL:
            _print_lines(core, task_id, after, timestamps)
            return
        tick.wait(FOLLOW_POLL_SECONDS)
