"""Tasks created from click, Hydra and absl scripts run with the values tuned in their sections."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.capture import capture
from tasktune_gui.core.models import Task
from tasktune_gui.execution.worker.worker import Worker
from tests.support.git import make_repo
from tests.support.runs import status
from tests.support.waiting import wait_for

CLICK_APP = textwrap.dedent(
    '''
    import json
    import click

    @click.group()
    @click.option("--debug/--no-debug", default=False)
    @click.pass_context
    def cli(ctx, debug):
        ctx.obj = {"debug": debug}

    @cli.command()
    @click.option("--lr", default=0.1)
    @click.option("--tag", multiple=True)
    @click.option("--color/--plain", default=True)
    @click.argument("data")
    @click.pass_context
    def train(ctx, lr, tag, color, data):
        print(json.dumps({**ctx.obj, "command": "train", "lr": lr, "tag": list(tag), "color": color, "data": data}))

    @cli.command()
    def evaluate():
        print(json.dumps({"command": "evaluate"}))

    if __name__ == "__main__":
        cli()
    '''
)
HYDRA_APP = textwrap.dedent(
    '''
    import json
    import hydra
    from omegaconf import OmegaConf

    @hydra.main(config_path="conf", config_name="config", version_base=None)
    def main(cfg):
        print(json.dumps(OmegaConf.to_container(cfg)))

    if __name__ == "__main__":
        main()
    '''
)
ABSL_APP = textwrap.dedent(
    '''
    import json
    from absl import app, flags
    flags.DEFINE_integer("steps", 10, "steps")
    flags.DEFINE_boolean("fast", False, "skip checks")
    flags.DEFINE_list("layers", ["8"], "widths")

    def main(argv):
        F = flags.FLAGS
        print(json.dumps({"steps": F.steps, "fast": F.fast, "layers": F.layers}))

    if __name__ == "__main__":
        app.run(main)
    '''
)

SUBCOMMAND_APP = textwrap.dedent(
    """
    import argparse, json
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train")
    train.add_argument("--lr", type=float, default=2 ** -4)
    train.add_argument("--tag", action="append")
    train.add_argument("--amp", action=argparse.BooleanOptionalAction, default=True)
    train.add_argument("data")
    evaluate = commands.add_parser("evaluate")
    evaluate.add_argument("checkpoint")
    print(json.dumps(vars(parser.parse_args())))
    """
)


def run_captured(core: Core, root: Path, script: str, args: str = "", edit: dict[str, dict[str, str]] | None = None,
                 config: dict[str, str] | None = None) -> dict[str, object]:
    """Create the task as `create` would, tune it, run it with this interpreter (which has the libraries)."""
    found = capture(script, cwd=root, args=args or None, environ={})
    sections = found.hyperparameters()
    for section, values in (edit or {}).items():
        for name, value in values.items():
            sections.setdefault(section, {}).setdefault(name, {"type": "", "description": ""})["value"] = value
    configuration = found.parameters.configuration
    for name, value in (config or {}).items():
        configuration[name]["value"] = value
    task = Task(id="", name="lib", repository=found.repository, commit=found.commit, entry_point=found.entry_point,
                working_dir=found.working_dir, binary=sys.executable)
    task_id = core.tasks.add(task, "tests", queue="default", hyperparameters=sections, configuration=configuration)
    wait_for(core, lambda: status(core, task_id) in ("completed", "failed"), what="the run's end")
    lines = [line.text for line in core.results.console(task_id)]
    assert status(core, task_id) == "completed", lines
    return dict(json.loads(next(line for line in lines if line.startswith("{"))))


@pytest.mark.parametrize(("script", "text", "args", "edit", "expected"), [
    pytest.param("cli.py", CLICK_APP, "train in.csv",
                 {"Args": {"debug": "true", "lr": "0.5", "tag": '["a", "b"]', "color": "false"}},
                 {"debug": True, "command": "train", "lr": 0.5, "tag": ["a", "b"], "color": False, "data": "in.csv"},
                 id="click-command-and-options"),
    pytest.param("train.py", ABSL_APP, "--fast", {"TF_DEFINE": {"steps": "7", "layers": "16,4"}},
                 {"steps": 7, "fast": True, "layers": ["16", "4"]}, id="absl-flags"),
    pytest.param("cli.py", SUBCOMMAND_APP, "--verbose train in.csv",
                 {"Args": {"lr": "0.5", "tag": '["a", "b"]', "amp": "false"}},
                 {"verbose": True, "command": "train", "lr": 0.5, "tag": ["a", "b"], "amp": False, "data": "in.csv"},
                 id="argparse-subcommand-and-options"),
])
def test_tuned_values_reach_the_script(sqlite_core: Core, worker: Worker, tmp_path: Path, script: str, text: str,
                                       args: str, edit: dict[str, dict[str, str]], expected: dict[str, object]) -> None:
    root = make_repo(tmp_path / "lab", {script: text}, message="app")
    assert run_captured(sqlite_core, root, script, args, edit=edit) == expected


def test_hydra_overrides_and_an_edited_config_reach_the_app(sqlite_core: Core, worker: Worker,
                                                           tmp_path: Path) -> None:
    root = make_repo(tmp_path / "lab", {"apps/train.py": HYDRA_APP,
                                        "apps/conf/config.yaml": "defaults:\n  - db: mysql\n  - _self_\nlr: 0.1\n",
                                        "apps/conf/db/mysql.yaml": "port: 3306\n",
                                        "apps/conf/db/postgres.yaml": "port: 5432\n"}, message="app")
    seen = run_captured(sqlite_core, root, "apps/train.py", "db=postgres +seed=3")
    assert seen == {"db": {"port": 5432}, "lr": 0.1, "seed": 3}
    edited = run_captured(sqlite_core, root, "apps/train.py", "+seed=3",
                          config={"OmegaConf": "db:\n  port: 1\nlr: 0.7\nextra: yes\n"})
    assert edited == {"db": {"port": 1}, "lr": 0.7, "extra": True, "seed": 3}
