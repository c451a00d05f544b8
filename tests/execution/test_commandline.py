"""Args, TF_DEFINE, Environment and configuration objects as REFERENCE §3 passes them to a script."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.execution.commandline import args_argv, config_file_name, script_argv, write_config_files


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
