"""`newsbeam`: run the pipeline (batch or stream), query its output with DuckDB, or check
its files.

Parsing and dispatch only: `run` is `newsbeam.batch`, `stream` is `newsbeam.stream`, the
output directory's checks are `newsbeam.output_dir`, and what is printed is
`newsbeam.report`. Each is imported by the command that needs it: Beam takes a second to
import, and `newsbeam query` or `--help` need not wait for it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsbeam import __version__
from newsbeam.beam_warnings import silence_optional_extras
from newsbeam.compaction import DEFAULT_QUIET_FOR, DEFAULT_TARGET_BYTES
from newsbeam.report import QUERY_FORMATS, print_query_result, print_where
from newsbeam.transforms.sources.redact import redact

if TYPE_CHECKING:
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import NewsbeamOptions

__all__ = ["DEFAULT_RUNNER", "EXIT_STATUS", "PIPELINE_COMMANDS", "build_parser", "main"]

DEFAULT_RUNNER = "DirectRunner"
"""`--runner` of `run` and `stream` when none is given (run as Beam's in-process runner)."""

PIPELINE_COMMANDS = {
    "run": "one pass over files and feeds, then exit",
    "stream": "poll feeds until stopped, writing each window's files as it closes",
}
"""The commands that run the pipeline, and what each does; their flags are in
`newsbeam.options` (`ONLY_FOR` says which are one command's)."""

EXIT_STATUS = """exit status:
  0  the run completed and every input is accounted for
  1  the run started but failed, an input is not accounted for, or a feed failed
     entirely (run, unless --allow-feed-failures)
  2  a usage error: an unknown flag, a bad value, an unusable --output; nothing ran
  130  Ctrl-C stopped a run before it finished; the same command again finishes it"""
"""What `newsbeam`'s exit status means, as its --help says it."""


def build_parser(pipeline_flags: bool = True) -> argparse.ArgumentParser:
    """The `newsbeam` command line; `run` and `stream` lack newsbeam's own flags without
    `pipeline_flags` (they are declared with Beam's options, which load Beam).

    `run` and `stream` also take Beam's pipeline options, which their parsers leave over:
    parse with `parse_known_args` and check what is left with
    `newsbeam.beam_flags.check_beam_arguments`, as `main` does.
    """
    # No abbreviations: Beam's own flags (--region for Dataflow) must not be taken for
    # a prefix of ours (--region-level).
    parser = argparse.ArgumentParser(
        prog="newsbeam",
        description="News ingestion on Apache Beam: articles to Parquet.",
        epilog=EXIT_STATUS,
        formatter_class=_HelpWithDefaults,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"newsbeam {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, summary in PIPELINE_COMMANDS.items():
        command = commands.add_parser(
            name,
            allow_abbrev=False,
            help=summary,
            description=f"{summary[0].upper()}{summary[1:]}. Any Apache Beam pipeline option may "
            "follow (--runner, --direct_num_workers, ...); DirectRunner is the default.",
            epilog=EXIT_STATUS,
            formatter_class=_HelpWithDefaults,
        )
        if pipeline_flags:
            from newsbeam.options import add_command_flags

            add_command_flags(command, name)
        command.add_argument("--runner", default=DEFAULT_RUNNER, help="Beam runner")
        command.set_defaults(parser=command)
    query_parser = commands.add_parser(
        "query",
        allow_abbrev=False,
        help="query an output directory with DuckDB",
        formatter_class=_HelpWithDefaults,
    )
    query_parser.add_argument("output", help="the directory a run wrote into")
    query_parser.add_argument(
        "sql",
        help="SQL over the views articles, duplicates, rejects, entity_variants, stories, "
        "story_merges, runs, mentions, source_health, source_health_flags",
    )
    query_parser.add_argument(
        "--format", choices=QUERY_FORMATS, default="table", help="how rows are printed"
    )
    query_parser.add_argument(
        "--max-rows", dest="max_rows", type=int, default=100, help="rows printed at most"
    )
    check_parser = commands.add_parser(
        "check",
        allow_abbrev=False,
        help="list the output's files that cannot be read (exit 1 if any)",
        description="Read every file of an output directory (tables, runs, MinHash index, "
        "feed state) and list those that cannot be read, as a power cut can leave them. "
        "Exit 0 when all can be read, 1 when some cannot, 2 on a usage error.",
    )
    check_parser.add_argument("output", help="the directory a run wrote into")
    check_parser.add_argument(
        "--repair",
        action="store_true",
        help="move unreadable files to DIR/_quarantine/ (nothing is deleted); the next run "
        "over the same inputs writes their rows again",
    )
    report_parser = commands.add_parser(
        "report",
        allow_abbrev=False,
        help="write one self-contained HTML page of plots over an output directory",
        description="Plots of an output directory (articles per day and region, countries, "
        "names, stories, duplicates per outlet, rejects, runs) in one HTML file that opens "
        "offline: plotly.js is inside it.",
        formatter_class=_HelpWithDefaults,
    )
    report_parser.add_argument("output", help="the directory a run wrote into")
    report_parser.add_argument("--out", default="report.html", help="the HTML file to write")
    compact_parser = commands.add_parser(
        "compact",
        allow_abbrev=False,
        help="merge the small files of partitions no longer being written",
        description="Rewrite the small Parquet files of each closed partition (and the "
        "older files of each flat table) into files of up to --target-mb, atomically: a "
        "reader sees the old files or the new, a kill at any point loses nothing. Takes "
        "the output's writer lock: a running stream compacts itself (--compact-after).",
        formatter_class=_HelpWithDefaults,
    )
    compact_parser.add_argument("output", help="the directory a run wrote into (local)")
    compact_parser.add_argument(
        "--quiet-for",
        dest="quiet_for",
        type=float,
        default=DEFAULT_QUIET_FOR,
        help="seconds since a partition was last written before it is merged (0: all)",
    )
    compact_parser.add_argument(
        "--target-mb",
        dest="target_mb",
        type=float,
        default=DEFAULT_TARGET_BYTES / 2**20,
        help="size a merged file grows to; files over half of it are left as they are",
    )
    return parser


class _HelpWithDefaults(argparse.HelpFormatter):
    """Each flag's help ends with its default, when it has one (not for switches); a text
    of several lines (the exit status) is kept as it is written, others are wrapped."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            action.option_strings
            and action.nargs != 0
            and default not in (None, argparse.SUPPRESS)
            and "%(default)" not in text
        ):
            text += " (default: %(default)s)"
        return text


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns its exit status (see `EXIT_STATUS`): 0 done, 1 a run that
    failed, lost an input or a feed, 2 a usage error (argparse exits with 2 itself)."""
    silence_optional_extras()
    argv = list(sys.argv[1:] if argv is None else argv)
    # Only `run` and `stream` (and their --help) list newsbeam's flags, and load Beam.
    parser = build_parser(pipeline_flags=argv[:1] in ([name] for name in PIPELINE_COMMANDS))
    args, extras = parser.parse_known_args(argv)
    try:
        if args.command in PIPELINE_COMMANDS:
            from newsbeam.beam_flags import check_beam_arguments

            own = {flag for action in args.parser._actions for flag in action.option_strings}
            for flag in check_beam_arguments(args.command, extras, own, args.runner):
                print(
                    f"newsbeam: warning: {flag} is not a flag of Beam's Python SDK: passed on "
                    f"to {args.runner} unchecked",
                    file=sys.stderr,
                )
            return _run(argv[1:]) if args.command == "run" else _stream(argv[1:])
        if extras:
            parser.error(f"unrecognised arguments: {' '.join(extras)}")
        if args.command == "check":
            return _check(args.output, args.repair)
        if args.command == "report":
            return _report(args.output, args.out)
        if args.command == "compact":
            return _compact(args.output, args.quiet_for, args.target_mb)
        return _query(args.output, args.sql, args.format, args.max_rows)
    except ValueError as error:
        print(f"newsbeam: error: {redact(str(error))}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # a run that started and could not go on
        print(f"newsbeam: failed: {redact(str(error))}", file=sys.stderr)
        return 1


def _pipeline_options(argv: list[str], command: str) -> tuple[PipelineOptions, NewsbeamOptions]:
    """Beam's options and newsbeam's view of them, checked (the inputs named exist, a
    stream can run on the runner) before the output is touched; then a local output made
    absolute and probed, before anything runs."""
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import resolve_runner, validate
    from newsbeam.output_dir import check_writable
    from newsbeam.redacted_logs import redact_logs_and_tracebacks
    from newsbeam.transforms.sources.input_listing import check_inputs_exist
    from newsbeam.transforms.sources.local_files import one_spelling

    redact_logs_and_tracebacks(logging.INFO)
    logging.getLogger("apache_beam").setLevel(logging.WARNING)
    options = PipelineOptions(argv)
    # Beam's file systems read their options (an S3 endpoint, GCS credentials) from here:
    # without it, the inputs listed and the output probed before the pipeline exists
    # would go to the default endpoints, not the ones given.
    FileSystems.set_options(options)
    news = validate(options)
    # Local inputs spelt one way ("./samples/" is "samples"): `input` and the ids of rejects
    # then name a file alike whatever the spelling, so a rerun adds no row. Not made
    # absolute: outputs written before hold the paths as given, and rerunning into them
    # must add nothing.
    news.input = [one_spelling(item) for item in news.input or ()] or None
    resolve_runner(options)
    if command == "stream":
        from newsbeam.stream import check_stream

        check_stream(options, news)
    else:
        check_inputs_exist(news.input or (), news.follow_symlinks)
    if "://" not in news.output:
        news.output = os.path.abspath(news.output)
        check_writable(news.output, news.min_free_bytes)
    return options, news


def _run(argv: list[str]) -> int:
    options, news = _pipeline_options(argv, "run")
    from newsbeam.batch import run_batch
    from newsbeam.interrupts import INTERRUPTED_STATUS, interruptible

    with interruptible() as interrupted:
        try:
            complete = run_batch(options, news)  # balanced, and no feed failed unless allowed
        except (KeyboardInterrupt, RuntimeError):
            if not interrupted.is_set():
                raise
            print(
                "newsbeam: interrupted: this run is not finished; the same command again "
                "finishes it (what was written stays, and is not written twice)",
                file=sys.stderr,
            )
            return INTERRUPTED_STATUS
    print_where(news.output)
    return 0 if complete else 1


def _stream(argv: list[str]) -> int:
    options, news = _pipeline_options(argv, "stream")
    from newsbeam.stream import run_stream

    complete = run_stream(options, news)  # no window aborted, every window balanced
    print_where(news.output)
    return 0 if complete else 1


def _query(output_dir: str, sql: str, output_format: str, max_rows: int) -> int:
    import duckdb

    from newsbeam.query import connect, query_error

    if max_rows < 1:
        raise ValueError(f"--max-rows must be a positive number, not {max_rows}")
    if "://" in output_dir:
        raise ValueError(
            "query reads a local output directory (DuckDB would need its httpfs extension, "
            "which newsbeam never downloads): copy the output down first"
        )
    if not os.path.isdir(output_dir):
        raise ValueError(f"{output_dir!r} is not a directory written by newsbeam run")
    connection = connect(output_dir)
    try:
        relation = connection.sql(sql)
        if relation is not None:
            print_query_result(relation, output_format, max_rows)
    except duckdb.Error as error:
        raise query_error(output_dir, error) from error
    return 0


def _check(output_dir: str, repair: bool) -> int:
    from newsbeam.check import check_output
    from newsbeam.report import print_check

    result, moves = check_output(output_dir, repair)
    print_check(output_dir, result, moves, repair)
    return 1 if result.unreadable else 0


def _report(output_dir: str, out_path: str) -> int:
    from newsbeam.dataset_report import write_report

    if "://" in output_dir:
        raise ValueError("report reads a local output directory (copy it down first)")
    if not os.path.isdir(output_dir):
        raise ValueError(f"{output_dir!r} is not a directory written by newsbeam run")
    folder = os.path.dirname(os.path.abspath(out_path))
    if not os.path.isdir(folder):
        raise ValueError(f"--out {out_path!r}: the folder {folder!r} does not exist")
    plots = write_report(output_dir, out_path)
    print(f"newsbeam: wrote {out_path} ({plots} plots); open it in a browser")
    return 0


def _compact(output_dir: str, quiet_for: float, target_mb: float) -> int:
    from newsbeam.compaction import compact_output
    from newsbeam.folder_exchange import FolderExchangeUnsupported
    from newsbeam.output_lock import hold_output
    from newsbeam.query import check_output_dir
    from newsbeam.report import compaction_summary

    if "://" in output_dir:
        raise ValueError(
            "compact rewrites a local output directory (object stores cannot "
            "swap a folder atomically)"
        )
    if not os.path.isdir(output_dir):
        raise ValueError(f"{output_dir!r} is not a directory written by newsbeam run")
    if quiet_for < 0 or target_mb <= 0:
        raise ValueError("--quiet-for cannot be negative and --target-mb must be positive")
    check_output_dir(output_dir)
    try:
        with hold_output(os.path.abspath(output_dir), "compact"):
            result = compact_output(output_dir, int(target_mb * 2**20), quiet_for)
    except FolderExchangeUnsupported as error:
        raise ValueError(f"{error.strerror}: nothing was compacted") from error
    print(f"newsbeam compact: {compaction_summary(result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
