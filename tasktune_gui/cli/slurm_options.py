"""The Slurm options of `queue create` and `queue set`: --slurm PARTITION, resources, account, QOS, --sbatch."""

from __future__ import annotations

import argparse
from typing import Any

from tasktune_gui.core.slurm import SlurmOptions, parse_sbatch_option

_PLAIN = ("time", "cpus", "mem", "account", "qos")


def add_slurm_options(parser: argparse.ArgumentParser, where: Any) -> None:
    where.add_argument("--slurm", metavar="PARTITION", default=None,
                       help="run its tasks as Slurm jobs on this partition (`tasktune worker --slurm` submits them)")
    parser.add_argument("--time", metavar="T", default=None, help="Slurm: each job's time limit (like 2:00:00)")
    parser.add_argument("--cpus", metavar="N", default=None, help="Slurm: CPUs of each job (--cpus-per-task)")
    parser.add_argument("--mem", metavar="M", default=None, help="Slurm: memory of each job (like 16G)")
    parser.add_argument("--account", metavar="A", default=None, help="Slurm: the account jobs are charged to")
    parser.add_argument("--qos", metavar="Q", default=None, help="Slurm: the jobs' quality of service")
    parser.add_argument("--sbatch", metavar="OPTION=VALUE", action="append", default=[],
                        help="Slurm: a further sbatch option from the allow-list, like constraint=a100 (repeatable)")


def has_slurm_options(args: argparse.Namespace) -> bool:
    return any(getattr(args, name) is not None for name in _PLAIN) or bool(args.sbatch)


def slurm_options_from(args: argparse.Namespace, existing: SlurmOptions | None) -> SlurmOptions | None:
    """The queue's Slurm options after this command: the existing ones with what it changes."""
    if args.slurm is None and existing is None:
        return None
    base = existing or SlurmOptions(args.slurm)
    changes: dict[str, object] = {name: getattr(args, name) for name in _PLAIN}
    changes["partition"] = args.slurm
    changes["gpus"] = args.gpus
    extra = dict(base.sbatch)
    extra.update(parse_sbatch_option(text) for text in args.sbatch)
    changes["sbatch"] = extra
    return base.with_changes(**changes)


def slurm_summary(options: SlurmOptions) -> str:
    """`queue list`'s few words on what each job asks for."""
    asked = [f"{name} {value}" for name, value in (("time", options.time), ("cpus", options.cpus),
                                                    ("mem", options.mem), ("gpus", options.gpus)) if value]
    return f" ({', '.join(asked)})" if asked else ""
