"""Args, TF_DEFINE, Environment and configuration objects as REFERENCE §3 passes them to a script."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tasktune_gui.execution.run.commandline import (
    args_argv,
    config_file_name,
    script_argv,
    tf_define_argv,
    write_config_files,
)


def spec(value: str, kind: str = "") -> dict[str, str]:
    return {"value": value, "type": kind, "description": ""}


def test_options_flags_lists_and_positionals() -> None:
    args = {
        "src": spec("in.csv", "positional"),
        "lr": spec("0.01", "float"),
        "run-name": spec("a b"),
        "verbose": spec("TRUE", "bool"),
        "quiet": spec("false", "bool"),
        "layers": spec("[1, 2, 3]", "list"),
        "names": spec('["x y", "z"]', "list"),
        "seed": spec("", "int"),
        "-v": spec("true", "bool"),
        "dst": spec("out.csv", "positional:str"),
    }
    assert args_argv(args) == [
        "--lr", "0.01", "--run-name", "a b", "--verbose", "--layers", "1", "2", "3", "--names", "x y", "z", "-v",
        "in.csv", "out.csv",
    ]


def test_a_string_that_looks_like_a_list_stays_one_value() -> None:
    assert args_argv({"pattern": spec("[abc]", "str")}) == ["--pattern", "[abc]"]


def test_tf_define_and_module_entry_point() -> None:
    hyper = {"TF_DEFINE": {"steps": spec("10")}, "Args": {"x": spec("1", "int")}}
    assert script_argv("-m pkg.train", hyper) == ["-m", "pkg.train", "--x", "1", "--steps=10"]


def test_config_files_one_per_object(tmp_path: Path) -> None:
    written = write_config_files(tmp_path, {"model": spec("a: 1", "yaml"), "../evil": spec("x", "txt")})
    assert written["model"].read_text() == "a: 1"
    assert written["model"].name == "model.yaml"
    assert written["../evil"].parent == tmp_path
    assert config_file_name("data.json", "json") == "data.json"


def test_store_false_flags_are_passed_to_make_the_value_false() -> None:
    from tasktune_gui.core.capture import args_section, read_argparse_arguments

    source = "import argparse\np = argparse.ArgumentParser()\np.add_argument('--no-cuda', action='store_false')\n"
    section = args_section(read_argparse_arguments(source))
    assert section["no-cuda"] == {"value": "true", "type": "bool:store_false", "description": ""}
    assert args_argv(section) == []
    section["no-cuda"]["value"] = "false"
    assert args_argv(section) == ["--no-cuda"]


def test_a_subcommand_splits_the_arguments_of_its_parser_from_the_main_ones() -> None:
    args = {
        "verbose": {"value": "true", "type": "bool", "description": ""},
        "data": {"value": "in.csv", "type": "positional:str", "description": ""},
        "command": {"value": "train", "type": "subcommand", "description": ""},
        "lr": {"value": "0.5", "type": "float", "description": ""},
        "tag": {"value": '["a", "b"]', "type": "repeat:list", "description": ""},
        "color": {"value": "false", "type": "switch:bool", "description": ""},
        "loud": {"value": "false", "type": "switch=--quiet:bool", "description": ""},
        "fast": {"value": "true", "type": "switch:bool", "description": ""},
        "out": {"value": "o", "type": "positional:str", "description": ""},
    }
    assert args_argv(args) == ["--verbose", "in.csv", "train", "--lr", "0.5", "--tag", "a", "--tag", "b",
                               "--no-color", "--quiet", "--fast", "o"]


def test_absl_flags_leave_empty_values_to_the_script_and_repeat_multi_flags() -> None:
    flags = {"steps": {"value": "7", "type": "int", "description": ""},
             "name": {"value": "", "type": "str", "description": ""},
             "layers": {"value": "1,2", "type": "list", "description": ""},
             "gpu": {"value": '["0", "1"]', "type": "repeat:list", "description": ""}}
    assert tf_define_argv(flags) == ["--steps=7", "--layers=1,2", "--gpu=0", "--gpu=1"]


def test_hydra_overrides_follow_and_an_edited_config_replaces_the_composed_one() -> None:
    composed = "lr: 0.1\n"
    stamp = hashlib.sha256(composed.encode()).hexdigest()[:12]
    config = {"OmegaConf": {"value": composed, "type": "yaml", "description": f"Hydra config [composed {stamp}]"}}
    hydra = {"Hydra": {"db": {"value": "postgres", "type": "", "description": ""},
                       "+trainer.gpus": {"value": "2", "type": "", "description": ""},
                       "~seed": {"value": "", "type": "", "description": ""}}}
    assert script_argv("apps/train.py", hydra, config) == ["apps/train.py", "db=postgres", "+trainer.gpus=2",
                                                           "~seed"]
    config["OmegaConf"]["value"] = "lr: 0.5\n"
    assert script_argv("/run/repo/apps/train.py", {}, config, recorded_entry="apps/train.py") == [
        "/run/repo/apps/train.py", "--config-path=../../config", "--config-name=OmegaConf"]
    # An OmegaConf object that create did not compose is a file for the script, nothing more.
    assert script_argv("train.py", {}, {"OmegaConf": {"value": "x: 1\n", "type": "yaml", "description": ""}}) == [
        "train.py"]
