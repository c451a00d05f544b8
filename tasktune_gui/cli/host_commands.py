"""`tasktune host trust HOST`: add an SSH host's key to known_hosts, only once the researcher confirmed it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tasktune_gui.core.errors import TaskTuneError


def add_parsers(commands: Any) -> None:
    host = commands.add_parser("host", help="SSH hosts that queues run on")
    actions = host.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(host))
    trust = actions.add_parser("trust", help="trust an SSH host's key (shows its fingerprint first)")
    trust.add_argument("host", help="an alias of your ~/.ssh/config, as the queue names it")
    trust.add_argument("--fingerprint", default=None, metavar="SHA256:...",
                       help="the fingerprint you checked; without it the command only shows the host's")
    add_ssh_config_option(trust)
    trust.set_defaults(handler=_trust)


def add_ssh_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ssh-config", type=Path, default=None, metavar="FILE",
                        help="an OpenSSH client config to read instead of ~/.ssh/config")


def _trust(args: argparse.Namespace) -> int:
    # Imported here: asyncssh is only needed by the commands that talk to a host.
    from tasktune_gui.execution.bindings import SshOptions
    from tasktune_gui.execution.ssh.config import check_host_key, trust

    options = SshOptions(config_files=[args.ssh_config]) if args.ssh_config else SshOptions()
    check = check_host_key(args.host, options)
    name, fingerprint = check.target.known_hosts_name, check.fingerprint
    if check.state == "trusted":
        print(f"{args.host} ({name}) is already trusted: {fingerprint}")
        return 0
    if check.state == "changed":
        raise TaskTuneError(f"{args.host} now offers {fingerprint}, not the key known_hosts lists; if the host was "
                            f"reinstalled, remove the old line first: ssh-keygen -R '{name}'")
    if args.fingerprint is None:
        raise TaskTuneError(f"{args.host} ({name}) offers {fingerprint}; if that is its key, "
                            f"run: tasktune host trust {args.host} --fingerprint {fingerprint}")
    if args.fingerprint.strip() != fingerprint:
        raise TaskTuneError(f"{args.host} offers {fingerprint}, not {args.fingerprint}: nothing was trusted")
    path = trust(check.target, check.key)
    print(f"trusted {fingerprint} for {name} in {path}")
    return 0
