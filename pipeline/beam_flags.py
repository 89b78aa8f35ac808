"""The flags `newsbeam run` and `stream` pass on to Beam, and the error for any other.

Beam's `PipelineOptions` discards a flag it does not know with a warning and runs with the
defaults: a mistyped `--min-wrds 1000` would run with `--min-words 40` and exit 0. Here
a flag that neither newsbeam nor any of Beam's options classes declares is a usage error,
with the nearest known flag as a suggestion. Beam's classes are the subclasses of
`PipelineOptions` (all declared once `apache_beam.options.pipeline_options` is imported),
plus those of Beam's optional runners (Dask's), imported only when a flag is not found
otherwise.

The exception: runners that hand undeclared flags on to a Java job server or a service
(`--checkpointing_interval` for Flink) get them, as Beam gives them, unless they look like
a mistyped flag of newsbeam's.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib
from collections.abc import Collection, Sequence

__all__ = [
    "OPTIONAL_RUNNER_OPTIONS",
    "beam_flags",
    "check_beam_arguments",
    "forwards_undeclared_options",
]

OPTIONAL_RUNNER_OPTIONS = ("apache_beam.runners.dask.dask_runner",)
"""Modules of Beam's optional runners that declare their options classes when imported
(`DaskOptions`: `--dask_client_address`, ...)."""

_SUGGEST_FROM = 0.6
"""Similarity (difflib's ratio) from which a known flag is offered for a mistyped one."""

_MISTYPED_OWN_FROM = 0.8
"""Similarity from which an undeclared flag is taken for a mistyped flag of newsbeam's,
even on a runner that passes undeclared options on (`--ouput`, `--min_wrds`)."""

_DROPPING_RUNNERS = frozenset(
    {"directrunner", "switchingdirectrunner", "fnapirunner", "bundlebaseddirectrunner"}
    | {"dask", "daskrunner"}
)
"""Runners (lower case, without their module) that drop options Beam does not declare."""


def _beam_parser() -> argparse.ArgumentParser:
    """A parser of every option Beam's options classes declare, and none of newsbeam's;
    its errors are raised as ValueError rather than printed with a 180-flag usage."""
    from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser

    from newsbeam.options import NewsbeamOptions

    class Parser(_BeamArgumentParser):
        def error(self, message: str):
            raise ValueError(message)

    parser = Parser(add_help=False, allow_abbrev=False)
    # As Beam does (PipelineOptions.get_all_options): the last class of each name wins.
    classes = {str(cls): cls for cls in PipelineOptions.__subclasses__()}
    for cls in classes.values():
        if not issubclass(cls, NewsbeamOptions):
            cls._add_argparse_args(parser)
    return parser


def beam_flags() -> set[str]:
    """Every flag Beam's options classes declare (the optional runners' included when
    they are installed)."""
    _import_optional_runner_options()
    return {flag for action in _beam_parser()._actions for flag in action.option_strings}


def _import_optional_runner_options() -> None:
    for module in OPTIONAL_RUNNER_OPTIONS:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)


def _not_beams(arguments: Sequence[str]) -> list[str]:
    """The arguments Beam's options do not take; ValueError for a value they refuse."""
    try:
        _known, rest = _beam_parser().parse_known_args(list(arguments))
    except argparse.ArgumentError as error:
        raise ValueError(str(error)) from None
    return rest


def check_beam_arguments(
    command: str, arguments: Sequence[str], own: Collection[str], runner: str
) -> list[str]:
    """Raises ValueError, with a suggestion for each flag, when `arguments` (what the
    command's own parser left) holds anything Beam's pipeline options do not take.

    `own` is the command's own flags, suggested before Beam's when both are as close.
    A `runner` that hands undeclared options on to its own service or job server
    (Flink, Spark, Dataflow: the Java side has options the Python SDK does not declare)
    gets them, unless they look like one of newsbeam's flags; they are returned, for a
    warning.
    """
    if not arguments:
        return []
    rest = _not_beams(arguments)
    if rest:
        _import_optional_runner_options()
        rest = _not_beams(arguments)
    if not rest:
        return []
    flags = [argument.split("=", 1)[0] for argument in rest if argument.startswith("-")]
    if not flags:
        raise ValueError(f"unexpected argument {' '.join(rest)!r} (every value follows a flag)")
    beams = beam_flags() - set(own)
    forwarded = [
        flag
        for flag in flags
        if forwards_undeclared_options(runner) and not _looks_like_newsbeams(command, flag, own)
    ]
    refused = [flag for flag in flags if flag not in forwarded]
    if refused:
        described = ", ".join(_describe(command, flag, own, beams) for flag in refused)
        raise ValueError(f"unknown flag{'s' if len(refused) > 1 else ''} {described}")
    return forwarded


def forwards_undeclared_options(runner: str) -> bool:
    """Whether `runner` hands options the Python SDK does not declare on to its service or
    job server, as Beam's Flink, Spark, portable and Dataflow runners do; Beam's local
    runners and its DaskRunner drop them."""
    return runner.rsplit(".", 1)[-1].lower() not in _DROPPING_RUNNERS


def _looks_like_newsbeams(command: str, flag: str, own: Collection[str]) -> bool:
    """A flag no runner could mean: hyphenated like newsbeam's (Beam's are not), one of
    the other command's, or a near miss of one of this command's."""
    from newsbeam.options import ONLY_FOR

    if "-" in flag.lstrip("-") or flag in ONLY_FOR:
        return True
    spelled = flag.replace("_", "-")
    return any(
        difflib.SequenceMatcher(None, spelled, known).ratio() >= _MISTYPED_OWN_FROM for known in own
    )


def _describe(command: str, flag: str, own: Collection[str], beams: Collection[str]) -> str:
    """The flag, and what was probably meant: the other command's flag, or the closest
    known one (newsbeam's own on a tie; `_` and `-` alike)."""
    from newsbeam.options import ONLY_FOR

    owner = ONLY_FOR.get(flag)
    if owner is not None and owner != command:
        return f"{flag} (a flag of `newsbeam {owner}`, not of `newsbeam {command}`)"
    spelled = flag.replace("_", "-")
    scored = [
        (difflib.SequenceMatcher(None, spelled, known.replace("_", "-")).ratio(), mine, known)
        for mine, flags in ((True, own), (False, beams))
        for known in sorted(flags)
    ]
    score, _mine, closest = max(scored, default=(0.0, False, ""))
    return f"{flag} (did you mean {closest}?)" if score >= _SUGGEST_FROM else flag
