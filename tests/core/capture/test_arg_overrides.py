"""Overriding a script's argparse values with a command line, the way argparse would read it."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasktune_gui.core.capture import ArgSpec, apply_arg_overrides, read_argparse_arguments
from tasktune_gui.core.errors import InvalidValue

SCRIPT = textwrap.dedent(
    """
    parser.add_argument("source")
    parser.add_argument("--lr", "-l", type=float, default=0.1, help="learning rate")
    parser.add_argument("--run-name", default="baseline")
    parser.add_argument("-v", action="store_true")
    parser.add_argument("--no-cuda", action="store_false")
    parser.add_argument("--layers", nargs="+", type=int, default=[64])
    parser.add_argument("--tag", action="append")
    parser.add_argument("--verbose", action="count")
    parser.add_argument("targets", nargs="*")
    """
)


def values(specs: list[ArgSpec]) -> dict[str, str]:
    return {spec.name: spec.value for spec in specs}


@pytest.fixture
def specs() -> list[ArgSpec]:
    return read_argparse_arguments(SCRIPT)


def test_options_take_values_in_both_forms_and_by_short_name(specs: list[ArgSpec]) -> None:
    result = apply_arg_overrides(specs, ["-l", "0.5", "--run-name=second try"])
    assert values(result)["lr"] == "0.5"
    assert values(result)["run-name"] == "second try"
    assert result[1].description == "learning rate"


def test_bare_flags_set_their_action_value(specs: list[ArgSpec]) -> None:
    result = values(apply_arg_overrides(specs, ["-v", "--no-cuda", "--verbose", "--verbose"]))
    assert (result["-v"], result["no-cuda"], result["verbose"]) == ("true", "false", "2")
    assert values(apply_arg_overrides(specs, ["-v=False"]))["-v"] == "false"


def test_list_options_collect_values_and_append_options_accumulate(specs: list[ArgSpec]) -> None:
    result = values(apply_arg_overrides(specs, ["--layers", "128", "0.5", "007", "--tag", "a", "--tag=b c"]))
    assert result["layers"] == '[128, 0.5, "007"]'
    assert result["tag"] == '["a", "b c"]'


def test_positionals_are_filled_in_declared_order(specs: list[ArgSpec]) -> None:
    result = values(apply_arg_overrides(specs, ["data.csv", "--lr", "-1e-3", "x", "y"]))
    assert result["source"] == "data.csv"
    assert result["lr"] == "-1e-3"
    assert result["targets"] == '["x", "y"]'
    after_separator = values(apply_arg_overrides(specs, ["--", "-odd-name.csv", "-z", "3"]))
    assert after_separator["source"] == "-odd-name.csv"
    assert after_separator["targets"] == '["-z", 3]'


def test_undeclared_options_are_added_after_the_declared_ones(specs: list[ArgSpec]) -> None:
    result = apply_arg_overrides(specs, ["--warmup", "5", "--dry-run", "--mode=fast", "-q", "--lr", "1"])
    assert [spec.name for spec in result] == [spec.name for spec in specs] + ["warmup", "dry-run", "mode", "-q"]
    assert result[-4:] == [
        ArgSpec("warmup", "5", "", ""),
        ArgSpec("dry-run", "true", "", ""),
        ArgSpec("mode", "fast", "", ""),
        ArgSpec("-q", "true", "", ""),
    ]


def test_the_given_specs_are_left_unchanged(specs: list[ArgSpec]) -> None:
    before = [ArgSpec(spec.name, spec.value, spec.type, spec.description, spec.positional) for spec in specs]
    apply_arg_overrides(specs, ["--lr", "9", "--extra", "1"])
    assert specs == before


def test_specs_read_back_from_a_task_record_take_overrides_too() -> None:
    stored = [ArgSpec("fast", "false", "bool", ""), ArgSpec("ids", "[1]", "list", "")]
    assert values(apply_arg_overrides(stored, ["--fast", "--ids", "2", "3"])) == {"fast": "true", "ids": "[2, 3]"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lr"], "option --lr expects a value"),
        (["--lr", "--run-name", "x"], "option --lr expects a value"),
        (["src", "t1", "--", "--", "more"], None),
        (["-v=maybe"], "give true or false"),
    ],
)
def test_command_lines_argparse_would_refuse_are_refused(argv: list[str], message: str | None) -> None:
    without_targets = [spec for spec in read_argparse_arguments(SCRIPT) if spec.name != "targets"]
    with pytest.raises(InvalidValue, match=message or "unexpected argument"):
        apply_arg_overrides(without_targets, argv)


@given(st.lists(st.sampled_from(["--lr", "-l", "0.2", "-v", "--tag", "a", "--", "--x=1", "-3", "pos", "--verbose"])))
def test_any_command_line_gives_specs_or_a_clear_refusal(argv: list[str]) -> None:
    specs = read_argparse_arguments(SCRIPT)
    try:
        result = apply_arg_overrides(specs, argv)
    except InvalidValue:
        return
    assert [spec.name for spec in result][: len(specs)] == [spec.name for spec in specs]
