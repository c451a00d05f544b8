"""Reading a script's argparse arguments from its source, without running it."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from tasktune_gui.core.capture import ArgSpec, read_argparse_arguments
from tasktune_gui.core.capture.argparse_reader import decode_source

TRAINING_SCRIPT = textwrap.dedent(
    '''
    """Train a small classifier."""
    import argparse
    import os


    def parse_args():
        parser = argparse.ArgumentParser(description="train")
        parser.add_argument("data_dir", help="folder of the training images")
        parser.add_argument("--lr", "-l", type=float, default=0.001, help="learning rate")
        parser.add_argument("--epochs", type=int, default=10, help="passes over the data")
        parser.add_argument("--run-name", default="baseline")
        parser.add_argument("--batch_size", type=int, default=32)
        parser.add_argument("-v", action="store_true", help="say more")
        parser.add_argument("--no-cuda", action="store_false", dest="cuda", help="run on the CPU")
        parser.add_argument("--layers", nargs="+", type=int, default=[64, 32])
        parser.add_argument("--tag", action="append", help="a label for the run")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
        parser.add_argument("--out", default=os.path.join("runs", "latest"))
        parser.add_argument("--workers", type=int, default=os.cpu_count())
        parser.add_argument("--verbose", "-V", action="count")
        parser.add_argument("--version", action="version", version="1.0")
        return parser.parse_args()
    '''
)


def test_a_training_script_gives_every_argument_in_declaration_order() -> None:
    assert read_argparse_arguments(TRAINING_SCRIPT) == [
        ArgSpec("data_dir", "", "str", "folder of the training images", positional=True),
        ArgSpec("lr", "0.001", "float", "learning rate"),
        ArgSpec("epochs", "10", "int", "passes over the data"),
        ArgSpec("run-name", "baseline", "str", ""),
        ArgSpec("batch_size", "32", "int", ""),
        ArgSpec("-v", "false", "bool", "say more"),
        ArgSpec("no-cuda", "true", "bool", "run on the CPU"),
        ArgSpec("layers", "[64, 32]", "list", ""),
        ArgSpec("tag", "", "list", "a label for the run"),
        ArgSpec("seed", "", "int", ""),
        ArgSpec("optimizer", "adam", "str", ""),
        ArgSpec("out", "runs/latest", "str", ""),
        # Only the script can compute it where it runs: left off the command line, the expression shown.
        ArgSpec("workers", "", "int", "(default computed by the script: os.cpu_count())"),
        ArgSpec("verbose", "", "int", ""),
    ]


def test_short_names_of_long_options_are_kept_for_overrides() -> None:
    specs = {spec.name: spec for spec in read_argparse_arguments(TRAINING_SCRIPT)}
    assert specs["lr"].aliases == ("-l",)
    assert specs["no-cuda"].action == "store_false"


def test_any_parser_variable_and_argument_groups_are_read() -> None:
    source = textwrap.dedent(
        """
        import argparse
        ap = argparse.ArgumentParser()
        group = ap.add_argument_group("optimisation")
        group.add_argument("--momentum", type=float, default=0.9)
        exclusive = ap.add_mutually_exclusive_group()
        exclusive.add_argument("--fast", action="store_true", default=True)
        self_parser = object()
        self_parser.parser.add_argument("--width", type=int, default=8)
        """
    )
    assert read_argparse_arguments(source) == [
        ArgSpec("momentum", "0.9", "float", ""),
        ArgSpec("fast", "true", "bool", ""),
        ArgSpec("width", "8", "int", ""),
    ]


def test_literal_defaults_are_written_as_task_values() -> None:
    source = textwrap.dedent(
        """
        p.add_argument("--ratio", default=-0.5)
        p.add_argument("--sizes", nargs=2, default=(3, 4))
        p.add_argument("--names", nargs="*", default=["a", "b"])
        p.add_argument("--flag", default=False)
        p.add_argument("--hidden", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        p.add_argument("--rest", nargs=argparse.REMAINDER)
        p.add_argument("--maybe", nargs="?", type=float)
        p.add_argument("--color", action=argparse.BooleanOptionalAction, default=True)
        """
    )
    specs = read_argparse_arguments(source)
    assert [(spec.name, spec.value, spec.type, spec.description) for spec in specs] == [
        ("ratio", "-0.5", "str", ""),
        ("sizes", "[3, 4]", "list", ""),
        ("names", '["a", "b"]', "list", ""),
        ("flag", "false", "str", ""),
        ("hidden", "", "str", ""),
        ("rest", "", "list", ""),
        ("maybe", "", "float", ""),
        ("color", "true", "bool", ""),
    ]
    assert specs[-1].aliases == ("--no-color",)


def test_a_script_with_a_syntax_error_gives_no_arguments() -> None:
    assert read_argparse_arguments('parser.add_argument("--lr", default=0.1\nif x:') == []
    assert read_argparse_arguments("x = 1\0") == []


def test_what_cannot_be_read_without_running_the_script_is_skipped() -> None:
    source = textwrap.dedent(
        """
        options = {"type": int}
        name = "--computed"
        parser.add_argument("--kw", default=3, **options)
        parser.add_argument(name, default=1)
        parser.add_argument(*names)
        parser.add_argument()
        parser.add_argument("--custom", type=Path, action=MyAction, default=CONFIG["x"], help=f"{x} units")
        parser.add_argument("--lr", default=0.1)
        parser.add_argument("--lr", default=0.2)
        parser.add_argument("-h", action="help")
        """
    )
    assert read_argparse_arguments(source) == [
        ArgSpec("kw", "3", "str", ""),
        ArgSpec("custom", "", "", "(default computed by the script: CONFIG['x'])"),
        ArgSpec("lr", "0.1", "str", ""),
    ]


def test_sources_in_another_encoding_are_read_through_their_coding_line() -> None:
    data = '# -*- coding: latin-1 -*-\np.add_argument("--unit", help="degrés")\n'.encode("latin-1")
    assert read_argparse_arguments(decode_source(data)) == [ArgSpec("unit", "", "str", "degrés")]


@given(st.text())
def test_any_text_reads_without_raising(source: str) -> None:
    assert isinstance(read_argparse_arguments(source), list)


@given(
    st.lists(
        st.sampled_from(["'--a'", "'-b'", "'pos'", "default=1", "nargs='+'", "action='append'", "type=int", "**k"]),
        max_size=5,
    )
)
def test_any_mix_of_add_argument_parameters_reads_without_raising(parameters: list[str]) -> None:
    assert isinstance(read_argparse_arguments(f"p.add_argument({', '.join(parameters)})"), list)


SUBCOMMAND_SCRIPT = textwrap.dedent(
    """
    import argparse
    SIZE = 2 ** 5
    NAME = "run"

    def add_common(p):
        p.add_argument("--seed", type=int, default=SIZE - 32)

    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", aliases=["fit"])
    train.add_argument("--lr", type=float, default=1e-3 * 4)
    train.add_argument("--out", default="runs/" + NAME + f"_{SIZE}")
    add_common(train)
    evaluate = commands.add_parser("evaluate")
    group = evaluate.add_argument_group("data")
    group.add_argument("checkpoint")
    group.add_argument("--batch", type=int, default=SIZE * 2)
    add_common(evaluate)
    """
)


def test_the_chosen_subcommand_and_its_own_options_are_read() -> None:
    assert read_argparse_arguments(SUBCOMMAND_SCRIPT) == [
        ArgSpec("verbose", "false", "bool", ""),
        ArgSpec("command", "train", "subcommand", "one of: train, evaluate", positional=True),
        ArgSpec("lr", "0.004", "float", ""),
        ArgSpec("out", "runs/run_32", "str", ""),
        ArgSpec("seed", "0", "int", ""),
    ]
    chosen = read_argparse_arguments(SUBCOMMAND_SCRIPT, ["--verbose", "evaluate", "best.pt"])
    assert [(spec.name, spec.value) for spec in chosen] == [
        ("verbose", "false"), ("command", "evaluate"), ("checkpoint", ""), ("batch", "64"), ("seed", "0")]


def test_parsers_built_in_helper_modules_and_parents_are_read() -> None:
    helper = textwrap.dedent(
        """
        import argparse
        def base_parser():
            common = argparse.ArgumentParser(add_help=False)
            common.add_argument("--data", default="data/")
            return common
        """
    )
    script = textwrap.dedent(
        """
        import argparse
        from options import base_parser
        parser = argparse.ArgumentParser(parents=[base_parser()])
        parser.add_argument("--lr", type=float, default=0.1)
        """
    )
    assert [(spec.name, spec.value) for spec in read_argparse_arguments(script, helpers=[helper])] == [
        ("data", "data/"), ("lr", "0.1")]


def test_options_declared_in_a_loop_over_constants_are_read() -> None:
    source = textwrap.dedent(
        """
        import argparse
        LOSSES = ["ce", "focal"]
        parser = argparse.ArgumentParser()
        for name in ("alpha", "beta"):
            parser.add_argument(f"--{name}", type=float, default=1.0, help=f"weight of {name}")
        for loss in LOSSES:
            parser.add_argument("--" + loss + "-weight", type=float, default=0.5)
        for i in range(3):
            parser.add_argument(f"--layer{i}")
        """
    )
    assert [(s.name, s.value, s.description) for s in read_argparse_arguments(source)] == [
        ("alpha", "1.0", "weight of alpha"), ("beta", "1.0", "weight of beta"), ("ce-weight", "0.5", ""),
        ("focal-weight", "0.5", "")]
