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


@pytest.mark.parametrize(("argv", "expected"), [
    (["-l", "0.5", "--run-name=second try"], {"lr": "0.5", "run-name": "second try"}),
    (["-v", "--no-cuda", "--verbose", "--verbose"], {"-v": "true", "no-cuda": "false", "verbose": "2"}),
    (["-v=False"], {"-v": "false"}),
    (["--layers", "128", "0.5", "007", "--tag", "a", "--tag=b c"], {"layers": '[128, 0.5, "007"]',
                                                                    "tag": '["a", "b c"]'}),
    (["data.csv", "--lr", "-1e-3", "x", "y"], {"source": "data.csv", "lr": "-1e-3", "targets": '["x", "y"]'}),
    (["--", "-odd-name.csv", "-z", "3"], {"source": "-odd-name.csv", "targets": '["-z", 3]'}),
], ids=["both forms and a short name", "bare flags set their action's value", "a flag given a value",
        "list options collect, append options accumulate", "positionals in declared order",
        "positionals after --"])
def test_overrides_set_the_values_argparse_would(specs: list[ArgSpec], argv: list[str],
                                                 expected: dict[str, str]) -> None:
    result = values(apply_arg_overrides(specs, argv))
    assert {name: result[name] for name in expected} == expected


def test_an_overridden_option_keeps_its_description(specs: list[ArgSpec]) -> None:
    assert apply_arg_overrides(specs, ["-l", "0.5"])[1].description == "learning rate"


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
