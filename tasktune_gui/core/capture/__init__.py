"""Capture a task's source from a git working copy: repository, ref, diff (with unpushed commits), packages, and
the script's parameters (argparse, click, typer, absl, Hydra) and logged environment variables."""

from tasktune_gui.core.capture.argparse_reader import ArgSpec, apply_arg_overrides, read_argparse_arguments
from tasktune_gui.core.capture.args_section import args_section
from tasktune_gui.core.capture.git_source import CapturedSource, capture
from tasktune_gui.core.capture.requirements import detect_requirements

__all__ = [
    "ArgSpec",
    "CapturedSource",
    "apply_arg_overrides",
    "args_section",
    "capture",
    "detect_requirements",
    "read_argparse_arguments",
]
