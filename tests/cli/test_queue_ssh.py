"""`queue create --ssh`, `queue set`, `queue list`: binding a queue to an SSH host from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from tasktune_gui.cli import worker_command
from tasktune_gui.execution.worker.worker import Worker
from tests.support.cli import Run, one_error_line, opened


def test_create_set_and_list_ssh_queues(tt: Run) -> None:
    assert tt("queue", "create", "lab", "--ssh", "gpu1", "--remote-dir", "/scratch/tt", "--gpus", "0,1").returncode == 0
    assert tt("queue", "create", "cpu").returncode == 0
    assert tt("queue", "set", "cpu", "--ssh", "box").returncode == 0
    assert tt("queue", "set", "lab", "--local").returncode == 0
    with opened(tt.db_url) as core:
        queues = {q.name: q for q in core.queues.summaries()}
    assert (queues["cpu"].ssh_host, queues["lab"].ssh_host, queues["lab"].remote_dir) == ("box", "", "")
    assert tt("queue", "set", "lab", "--ssh", "gpu1", "--gpus", "0,1").returncode == 0
    listing = tt("queue", "list").stdout.splitlines()
    assert listing[0].split() == ["QUEUE", "PENDING", "WORKERS", "HOST"]
    assert [line.split()[3:] for line in listing[1:]] == [["ssh:box"], ["local"], ["ssh:gpu1", "gpus", "0,1"]]


def test_bad_bindings_are_refused_in_one_line(tt: Run) -> None:
    one_error_line(tt("queue", "create", "q", "--remote-dir", "/x"), 1, "needs an SSH host")
    one_error_line(tt("queue", "create", "q", "--ssh=-oProxyCommand=evil"), 1, "is not an SSH host alias")
    one_error_line(tt("queue", "create", "q", "--ssh", "h", "--gpus", "a,b"), 1, "is not a GPU list")
    one_error_line(tt("queue", "set", "nope", "--ssh", "h"), 1, "nope")
    one_error_line(tt("queue", "set", "default"), 2, "--local")
    assert "q" not in tt("queue", "list").stdout.split()


def test_worker_host_cache_size(tt: Run) -> None:
    parser = argparse.ArgumentParser()
    worker_command.add_arguments(parser)
    config = worker_command.config_from(parser.parse_args(["--host-cache-gb", "0.5"]))
    assert config.ssh.host_cache_max_bytes == 512 * 1024**2
    assert worker_command.config_from(parser.parse_args([])).ssh.host_cache_max_bytes == 50 * 1024**3
    refused = tt("worker", "--once", "--host-cache-gb", "0")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == ["tasktune worker: --host-cache-gb must be more than 0"]


def test_worker_local_cache_sizes(tt: Run, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    worker_command.add_arguments(parser)
    config = worker_command.config_from(parser.parse_args(
        ["--env-cache-gb", "2", "--tree-cache-gb", "0.25", "--docker", "img", "--cache-dir", str(tmp_path)]))
    assert (config.env_max_bytes, config.tree_max_bytes) == (2 * 1024**3, 256 * 1024**2)
    assert config.docker is not None and config.docker.env_max_bytes == 2 * 1024**3  # Docker mode's volume too
    default = worker_command.config_from(parser.parse_args([]))
    assert (default.env_max_bytes, default.tree_max_bytes) == (20 * 1024**3, 5 * 1024**3)
    with opened(tt.db_url) as core:
        worker = Worker(core, config)  # what the worker's runs use
        settings = worker._slots[0].settings
        assert (settings.environments.max_bytes, settings.cache.trees.max_bytes) == (2 * 1024**3, 256 * 1024**2)
    for option in ("--env-cache-gb", "--tree-cache-gb"):
        refused = tt("worker", "--once", option, "-1")
        assert refused.returncode == 1
        assert refused.stderr.splitlines() == [f"tasktune worker: {option} must be more than 0"]
