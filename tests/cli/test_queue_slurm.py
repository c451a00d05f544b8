"""`queue create|set --slurm PARTITION ...`: a queue bound to a Slurm partition, its options and their checks."""

from __future__ import annotations

from tasktune_gui.core.slurm import SlurmOptions
from tests.support.cli import Run, one_error_line, opened


def test_create_set_and_unbind_a_slurm_queue(tt: Run) -> None:
    assert tt("queue", "create", "hpc", "--slurm", "gpu", "--time", "2:00:00", "--cpus", "4", "--mem", "16G",
              "--gpus", "1", "--account", "lab", "--qos", "normal", "--sbatch", "constraint=a100").returncode == 0
    with opened(tt.db_url) as core:
        assert core.queues.slurm_options("hpc") == SlurmOptions(
            "gpu", "lab", "normal", "2:00:00", "4", "16G", "1", {"constraint": "a100"})
    # `set` changes what it names and keeps the rest.
    assert tt("queue", "set", "hpc", "--time", "30", "--sbatch=--exclude=node3").returncode == 0
    with opened(tt.db_url) as core:
        options = core.queues.slurm_options("hpc")
    assert options is not None
    assert (options.partition, options.time, options.cpus, options.sbatch) == (
        "gpu", "30", "4", {"constraint": "a100", "exclude": "node3"})
    listing = tt("queue", "list").stdout
    assert "slurm:gpu (time 30, cpus 4, mem 16G, gpus 1)" in listing
    assert tt("queue", "set", "hpc", "--local").returncode == 0
    with opened(tt.db_url) as core:
        assert core.queues.slurm_options("hpc") is None
    assert tt("queue", "set", "default", "--slurm", "debug").returncode == 0
    with opened(tt.db_url) as core:
        assert core.queues.slurm_options("default") == SlurmOptions("debug")


def test_bad_slurm_options_are_refused_in_one_line(tt: Run) -> None:
    one_error_line(tt("queue", "create", "q", "--slurm", "p", "--sbatch", "output=/etc/passwd"), 1,
                   "sbatch option '--output' is not allowed")
    one_error_line(tt("queue", "create", "q", "--slurm", "p", "--sbatch", "comment=a\nb"), 1, "one line")
    one_error_line(tt("queue", "create", "q", "--slurm", "-p"), 2, "--slurm")
    one_error_line(tt("queue", "create", "q", "--slurm", "p", "--time", "soon"), 1, "not a Slurm time")
    one_error_line(tt("queue", "create", "q", "--slurm", "p", "--mem", "lots"), 1, "not a memory size")
    one_error_line(tt("queue", "create", "q", "--slurm", "p", "--cpus", "0"), 1, "not a number of CPUs")
    one_error_line(tt("queue", "create", "q", "--slurm", "p", "--ssh", "h"), 2, "not allowed with")
    one_error_line(tt("queue", "set", "default", "--time", "10"), 2, "is not on Slurm")
    assert "q" not in tt("queue", "list").stdout.split()
