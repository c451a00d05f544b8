"""click, typer, absl, Hydra and logged environment variables, read from scripts' sources as create reads them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tasktune_gui.core.capture import ArgSpec, args_section
from tasktune_gui.core.capture.absl_reader import read_absl_flags
from tasktune_gui.core.capture.click_reader import read_click_arguments
from tasktune_gui.core.capture.hydra_reader import HydraApp, hydra_parts
from tasktune_gui.core.capture.logged_environment import logged_environment
from tasktune_gui.core.capture.parameters import read_parameters
from tasktune_gui.core.errors import CaptureError


def fields(specs: list[ArgSpec]) -> dict[str, tuple[str, str, str]]:
    """The Args section the specs make, each name's (value, type, description)."""
    return {name: (field["value"], field["type"], field["description"]) for name, field in args_section(specs).items()}


CLICK_GROUP = textwrap.dedent(
    '''
    import click
    STEPS = 10

    @click.group()
    @click.option("--debug/--no-debug", default=False, help="say more")
    def cli(debug):
        pass

    @cli.command()
    @click.option("--lr", default=0.1, help="learning rate")
    @click.option("-n", "--epochs", type=int, default=STEPS * 2)
    @click.option("--tag", multiple=True)
    @click.option("--shout", is_flag=True)
    @click.option("--color/--plain", default=True)
    @click.argument("data")
    def train_model(lr, epochs, tag, shout, color, data):
        pass

    @cli.command(name="eval")
    @click.argument("checkpoints", nargs=-1)
    def evaluate(checkpoints):
        pass
    '''
)


def test_a_click_group_gives_its_options_the_chosen_command_and_that_commands_parameters() -> None:
    assert fields(read_click_arguments(CLICK_GROUP) or []) == {
        "debug": ("false", "switch:bool", "say more"),
        "command": ("train-model", "subcommand", "one of: train-model, eval"),
        "lr": ("0.1", "float", "learning rate"),
        "epochs": ("20", "int", ""),
        "tag": ("", "repeat:list", ""),
        "shout": ("false", "bool", ""),
        "color": ("true", "switch=--plain:bool", ""),
        "data": ("", "positional:str", ""),
    }
    chosen = read_parameters(CLICK_GROUP, "cli.py", ["--debug", "eval", "a.pt", "b.pt"]).args
    assert [(spec.name, spec.value) for spec in chosen] == [
        ("debug", "true"), ("command", "eval"), ("checkpoints", '["a.pt", "b.pt"]')]


def test_a_typer_command_reads_its_signature() -> None:
    source = textwrap.dedent(
        '''
        from typing import Annotated, List, Optional
        import typer

        def main(name: str, lr: float = 0.1, batch_size: int = typer.Option(32, help="per step"),
                 force: bool = False, tags: List[str] = typer.Option([]), seed: Optional[int] = None,
                 count: Annotated[int, typer.Option("--count", "-c")] = 2,
                 quiet: bool = typer.Option(False, "--quiet")):
            pass

        if __name__ == "__main__":
            typer.run(main)
        '''
    )
    assert fields(read_click_arguments(source) or []) == {
        "name": ("", "positional:str", ""),
        "lr": ("0.1", "float", ""),
        "batch-size": ("32", "int", "per step"),
        "force": ("false", "switch:bool", ""),
        "tags": ("[]", "repeat:list", ""),
        "seed": ("", "int", ""),
        "count": ("2", "int", ""),
        "quiet": ("false", "bool", ""),
    }


def test_a_typer_app_with_several_commands_needs_the_chosen_one() -> None:
    source = textwrap.dedent(
        '''
        import typer
        app = typer.Typer()

        @app.command()
        def fit(epochs: int = 3):
            pass

        @app.command()
        def predict_all(path: str = "x"):
            pass
        '''
    )
    assert [(s.name, s.value, s.type) for s in read_click_arguments(source, ["predict-all"]) or []] == [
        ("command", "predict-all", "subcommand"), ("path", "x", "str")]


def test_absl_flags_are_the_tf_define_section() -> None:
    source = textwrap.dedent(
        '''
        from absl import app, flags
        FLAGS = flags.FLAGS
        flags.DEFINE_string("model", "resnet", "the network")
        flags.DEFINE_integer("steps", 10 * 100, "training steps")
        flags.DEFINE_float(name="lr", default=1e-3, help="learning rate")
        flags.DEFINE_boolean("fast", False, "skip checks")
        flags.DEFINE_enum("mode", "train", ["train", "eval"], "what to do")
        flags.DEFINE_list("layers", [64, 32], "widths")
        flags.DEFINE_multi_string("gpu", None, "devices")
        flags.DEFINE_string("out", default=os.getcwd(), help="where")
        '''
    )
    assert read_absl_flags(source) == {
        "model": {"value": "resnet", "type": "str", "description": "the network"},
        "steps": {"value": "1000", "type": "int", "description": "training steps"},
        "lr": {"value": "0.001", "type": "float", "description": "learning rate"},
        "fast": {"value": "false", "type": "bool", "description": "skip checks"},
        "mode": {"value": "train", "type": "str", "description": "what to do"},
        "layers": {"value": "64,32", "type": "list", "description": "widths"},
        "gpu": {"value": "", "type": "repeat:list", "description": "devices"},
        "out": {"value": "", "type": "str", "description": "where (default computed by the script: os.getcwd())"},
    }
    found = read_parameters(source, "train.py", ["--steps=5", "--fast", "--model", "vit"])
    assert found.args == [] and found.hyperparameters()["TF_DEFINE"]["steps"]["value"] == "5"
    assert (found.sections["TF_DEFINE"]["fast"]["value"], found.sections["TF_DEFINE"]["model"]["value"]) == (
        "true", "vit")


def test_logged_environment_takes_names_and_patterns_and_never_a_secret_value() -> None:
    environ = {"TASKTUNE_LOG_ENVIRONMENT": "CUDA_*, WANDB_MODE,MY_VAR", "CUDA_VISIBLE_DEVICES": "0,1",
               "CUDA_API_KEY": "s3cret", "WANDB_MODE": "offline", "MY_VAR": "x", "HOME": "/root"}
    section, withheld = logged_environment(environ)
    assert {name: spec["value"] for name, spec in section.items()} == {
        "CUDA_VISIBLE_DEVICES": "0,1", "MY_VAR": "x", "WANDB_MODE": "offline"}
    assert withheld == ["CUDA_API_KEY"]
    everything, withheld = logged_environment({"TASKTUNE_LOG_ENVIRONMENT": "*", "HF_TOKEN": "t", "db_password": "p",
                                               "AWS_SECRET_ACCESS_KEY": "k", "LANG": "C"})
    assert list(everything) == ["LANG"] and withheld == ["AWS_SECRET_ACCESS_KEY", "HF_TOKEN", "db_password"]
    found = read_parameters("print(1)\n", "run.py", [], environ=environ)
    assert "CUDA_API_KEY" in found.note and "s3cret" not in str(found)


def test_a_script_whose_arguments_cannot_be_read_says_why() -> None:
    broken = read_parameters("def main(:\n", "train.py", ["--lr", "0.1"])
    assert broken.note.startswith("No command-line arguments found: train.py cannot be read as Python (line 1)")
    assert broken.args == [ArgSpec("lr", "0.1", "", "")]  # what create was given is still kept
    plain = read_parameters("import sys\nprint(sys.argv)\n", "train.py", [])
    assert plain.note.startswith("No command-line arguments found: train.py declares none with argparse, click")


def hydra_app(tmp_path: Path) -> HydraApp:
    conf = tmp_path / "conf"
    (conf / "db").mkdir(parents=True)
    (conf / "config.yaml").write_text("defaults:\n  - db: mysql\n  - _self_\n\nlr: 0.1\ntrainer:\n  epochs: 3\n")
    (conf / "db" / "mysql.yaml").write_text("driver: mysql\nport: 3306\n")
    (conf / "db" / "postgres.yaml").write_text("driver: postgres\nport: 5432\n")
    return HydraApp(conf, "config")


@pytest.mark.parametrize("with_hydra", [True, False])
def test_a_hydra_config_is_composed_and_the_overrides_are_its_section(
    tmp_path: Path, with_hydra: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not with_hydra:  # where create runs without Hydra installed, the YAML files are read
        monkeypatch.setattr("tasktune_gui.core.capture.hydra_reader._compose_with_hydra", lambda app, words: None)
    section, configuration = hydra_parts(hydra_app(tmp_path), ["db=postgres", "+seed=3", "~trainer.epochs"], tmp_path)
    assert section == {"db": {"value": "postgres", "type": "", "description": "Hydra override"},
                       "+seed": {"value": "3", "type": "", "description": "Hydra override"},
                       "~trainer.epochs": {"value": "", "type": "", "description": "Hydra override"}}
    composed = configuration["OmegaConf"]
    assert composed["value"] == "db:\n  driver: mysql\n  port: 3306\nlr: 0.1\ntrainer:\n  epochs: 3\n"
    assert composed["type"] == "yaml" and composed["description"].startswith("Hydra config 'config' from conf/,")


@pytest.mark.parametrize("with_hydra", [True, False])
def test_a_hydra_config_that_does_not_compose_is_refused(
    tmp_path: Path, with_hydra: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not with_hydra:
        monkeypatch.setattr("tasktune_gui.core.capture.hydra_reader._compose_with_hydra", lambda app, words: None)
    with pytest.raises(CaptureError, match="does not compose.*db/oracle"):
        hydra_parts(hydra_app(tmp_path), ["db=oracle"])


def test_defaults_from_set_defaults_enums_and_pure_calls_and_commands_added_later() -> None:
    argparse_source = textwrap.dedent(
        """
        import argparse, os
        from enum import Enum

        class Optim(str, Enum):
            adam = "adam"

        parser = argparse.ArgumentParser()
        parser.add_argument("--lr", type=float, default=0.1)
        parser.add_argument("--opt", default=Optim.adam)
        parser.add_argument("--out", default=os.path.join("runs", str(3)))
        parser.add_argument("--rank", type=int, default=int(os.environ.get("RANK", 0)))
        parser.set_defaults(lr=0.3)
        """
    )
    assert [(s.name, s.value) for s in read_parameters(argparse_source, "t.py", []).args] == [
        ("lr", "0.3"), ("opt", "adam"), ("out", "runs/3"), ("rank", "")]
    click_source = textwrap.dedent(
        """
        import click

        @click.group()
        def cli():
            pass

        @click.command()
        @click.option("--lr", default=0.2)
        def train(lr):
            pass

        cli.add_command(train, name="fit")
        """
    )
    assert [(s.name, s.value) for s in read_click_arguments(click_source) or []] == [("command", "fit"),
                                                                                     ("lr", "0.2")]


def test_a_hydra_config_registered_in_python_is_said_in_the_note(tmp_path: Path) -> None:
    source = ('import hydra\n@hydra.main(config_path=None, config_name="config", version_base=None)\n'
              'def main(cfg):\n    pass\n')
    found = read_parameters(source, "app.py", ["lr=0.2"], script_path=tmp_path / "app.py")
    assert found.configuration == {} and found.sections["Hydra"]["lr"]["value"] == "0.2"
    assert "registered in Python (ConfigStore)" in found.note
