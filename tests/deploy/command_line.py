"""Whether `newsbeam ARGV` would start: argv parsed as `newsbeam.cli.main` parses it before
it runs anything, with the real parser, Beam's pipeline options and newsbeam's checks."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import NewsbeamOptions

__all__ = ["JAVA_FLINK_OPTIONS", "Accepted", "accepted"]

JAVA_FLINK_OPTIONS = frozenset(
    {"--checkpointing_interval", "--savepoint_path", "--allow_non_restored_state"}
)
"""Flink runner options of the Java side (FlinkPipelineOptions) used or documented in
deploy/: unknown to the Python SDK, which passes them on only inside an uber jar."""


@dataclass(frozen=True)
class Accepted:
    """What newsbeam would run: the command, newsbeam's options and all of Beam's."""

    command: str
    news: NewsbeamOptions
    options: PipelineOptions


def accepted(argv: Sequence[str]) -> Accepted:
    """Fails the test where `newsbeam ARGV` would refuse to start, or where Beam would drop
    one of its flags as unknown (with a warning nobody reads in a pod's log)."""
    from apache_beam.options.pipeline_options import FlinkRunnerOptions, PipelineOptions

    from newsbeam.beam_flags import check_beam_arguments
    from newsbeam.cli import build_parser
    from newsbeam.options import validate

    argv = list(argv)
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            args, extras = build_parser().parse_known_args(argv)
    except SystemExit:
        pytest.fail(f"newsbeam refuses {argv}: {errors.getvalue().strip()}")
    assert args.command in ("run", "stream"), argv
    own = {flag for action in args.parser._actions for flag in action.option_strings}
    try:
        check_beam_arguments(args.command, extras, own, args.runner)
    except ValueError as error:
        pytest.fail(f"newsbeam refuses {argv}: {error}")
    options = PipelineOptions(argv[1:])
    try:
        news = validate(options)
    except ValueError as error:
        pytest.fail(f"newsbeam refuses {argv}: {error}")
    unknown = _unknown_to_beam(argv[1:])
    # Beam's FlinkRunner keeps unknown options (for the Java side) only with an uber jar.
    if options.view_as(FlinkRunnerOptions).flink_submit_uber_jar:
        unknown -= JAVA_FLINK_OPTIONS
    assert not unknown, f"Beam would discard {sorted(unknown)} of {argv}"
    return Accepted(args.command, news, options)


def _unknown_to_beam(args: list[str]) -> set[str]:
    """The flags in `args` that no pipeline options class declares, newsbeam's included:
    Beam drops them (with a warning) rather than refuse them. Parsed as
    `PipelineOptions.get_all_options` parses, with Beam's own parser class."""
    from apache_beam.options import pipeline_options

    parser = pipeline_options._BeamArgumentParser(allow_abbrev=False)
    classes = {str(cls): cls for cls in pipeline_options.PipelineOptions.__subclasses__()}
    for cls in classes.values():
        cls._add_argparse_args(parser)
    _, unknown = parser.parse_known_args(args)
    return {arg.split("=", 1)[0] for arg in unknown if arg.startswith("-")}
