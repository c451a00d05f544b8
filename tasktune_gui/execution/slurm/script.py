"""The job script and the sbatch command of a task: options as sbatch's own arguments (no shell reads them), and a
script of one `exec` whose every word is quoted."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from tasktune_gui.core.slurm import SlurmOptions

JOB_NAME_PREFIX = "tasktune-"  # a job named tasktune-<task id> is ours: found again after a restart


def job_name(task_id: str) -> str:
    return f"{JOB_NAME_PREFIX}{task_id}"


def task_of_job(name: str) -> str | None:
    return name[len(JOB_NAME_PREFIX):] if name.startswith(JOB_NAME_PREFIX) else None


@dataclass(frozen=True)
class JobFiles:
    """Where a task's job keeps its script, Slurm's own output and the exit file its runner writes."""

    folder: Path
    task_id: str

    @property
    def script(self) -> Path:
        return self.folder / f"{self.task_id}.sh"

    @property
    def output(self) -> Path:
        return self.folder / f"{self.task_id}.out"

    def exit_file(self, job_id: str) -> Path:
        return self.folder / f"{self.task_id}.{job_id}.exit"


def sbatch_argv(options: SlurmOptions, resources: dict[str, str], task_id: str, files: JobFiles) -> list[str]:
    """sbatch's arguments: the queue's options, the task's resources within them, our name and output."""
    argv = ["sbatch", "--parsable", f"--job-name={job_name(task_id)}", f"--partition={options.partition}",
            f"--output={files.output}", "--open-mode=append", "--ntasks=1"]
    if "no-requeue" not in options.sbatch:
        argv.append("--requeue")  # a preempted job, or one whose node failed, runs its task again from the start
    if options.account:
        argv.append(f"--account={options.account}")
    if options.qos:
        argv.append(f"--qos={options.qos}")
    flags = {"cpus": "--cpus-per-task", "mem": "--mem", "gpus": "--gpus", "time": "--time"}
    argv += [f"{flags[key]}={value}" for key, value in resources.items() if key in flags]
    for name, value in sorted(options.sbatch.items()):
        argv.append(f"--{name}={value}" if value else f"--{name}")
    return [*argv, str(files.script)]


def job_script(python: str, task_id: str, db_url: str, files: JobFiles, cache_dir: Path, abort_grace: float) -> str:
    """The batch script: the database in the environment (not on a command line others can read), then the same
    runner as a local run, in place of the shell. Every value is quoted; nothing of the task's own is in it."""
    runner = [python, "-u", "-m", "tasktune_gui.execution.slurm.job", "--task", task_id,
              "--exit-dir", str(files.folder), "--cache-dir", str(cache_dir), "--abort-grace", f"{abort_grace:g}"]
    return (
        "#!/bin/sh\n"
        f"# TaskTune task {shlex.quote(task_id)}: generated; every value is quoted.\n"
        f"TASKTUNE_DB={shlex.quote(db_url)}\n"
        "export TASKTUNE_DB\n"
        f"exec {shlex.join(runner)}\n"
    )


def write_job_script(files: JobFiles, text: str) -> None:
    files.folder.mkdir(parents=True, exist_ok=True)
    files.script.touch(mode=0o700)  # it names the database: the user's own
    files.script.chmod(0o700)
    files.script.write_text(text)
