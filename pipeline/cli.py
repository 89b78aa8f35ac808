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

from newsbeam.report import QUERY_FORMATS, print_query_result, print_where
from newsbeam.transforms.sources.redact import redact

if TYPE_CHECKING:
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import NewsbeamOptions

__all__ = ["DEFAULT_RUNNER", "build_parser", "main"]

DEFAULT_RUNNER = "DirectRunner"
"""`--runner` of `run` and `stream` when none is given (run as Beam's in-process runner)."""


def build_parser(pipeline_flags: bool = True) -> argparse.ArgumentParser:
    """The `newsbeam` command line; `run` and `stream` lack newsbeam's own flags without
    `pipeline_flags` (they are declared with Beam's options, which load Beam).

    Unknown flags of `run` and `stream` are Beam's pipeline options: parse with
    `parse_known_args`, as `main` does.
    """
    # No abbreviations: Beam's own flags (--region for Dataflow) must not be taken for
    # a prefix of ours (--region-level).
    parser = argparse.ArgumentParser(
        prog="newsbeam",
        description="News ingestion on Apache Beam: articles to Parquet.",
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, summary in (
        ("run", "one pass over files and feeds, then exit"),
        ("stream", "poll feeds until stopped, writing each window's files as it closes"),
    ):
        command = commands.add_parser(
            name,
            allow_abbrev=False,
            help=summary,
            description=f"{summary[0].upper()}{summary[1:]}. Any Apache Beam pipeline option may "
            "follow (--runner, --direct_num_workers, ...); DirectRunner is the default.",
        )
        if pipeline_flags:
            from newsbeam.options import NewsbeamOptions

            NewsbeamOptions._add_argparse_args(command)
        command.add_argument("--runner", default=DEFAULT_RUNNER, help="Beam runner")
    query_parser = commands.add_parser(
        "query", allow_abbrev=False, help="query an output directory with DuckDB"
    )
    query_parser.add_argument("output", help="the directory a run wrote into")
    query_parser.add_argument(
        "sql",
        help="SQL over the views articles, duplicates, rejects, entity_variants, runs, mentions",
    )
    query_parser.add_argument("--format", choices=QUERY_FORMATS, default="table")
    query_parser.add_argument("--max-rows", dest="max_rows", type=int, default=100)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns its exit status: 0 done, 1 a run that failed or does not
    balance, 2 a usage error (argparse exits with 2 itself)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Only `run` and `stream` (and their --help) list newsbeam's flags.
    parser = build_parser(pipeline_flags=argv[:1] not in (["query"], ["-h"], ["--help"]))
    args, beam_args = parser.parse_known_args(argv)
    try:
        if args.command == "run":
            return _run(argv[1:])
        if args.command == "stream":
            return _stream(argv[1:])
        if beam_args:
            parser.error(f"unrecognised arguments: {' '.join(beam_args)}")
        if args.command == "check":
            return _check(args.output, args.repair)
        return _query(args.output, args.sql, args.format, args.max_rows)
    except ValueError as error:
        print(f"newsbeam: error: {redact(str(error))}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # a run that started and could not go on
        print(f"newsbeam: failed: {redact(str(error))}", file=sys.stderr)
        return 1


def _pipeline_options(argv: list[str]) -> tuple[PipelineOptions, NewsbeamOptions]:
    """Beam's options and newsbeam's view of them, checked; a local output made absolute
    and probed before anything runs."""
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import resolve_runner, validate
    from newsbeam.output_dir import check_writable
    from newsbeam.redacted_logs import redact_logs_and_tracebacks

    redact_logs_and_tracebacks(logging.INFO)
    logging.getLogger("apache_beam").setLevel(logging.WARNING)
    options = PipelineOptions(argv)
    news = validate(options)
    if "://" not in news.output:
        news.output = os.path.abspath(news.output)
        check_writable(news.output, news.min_free_bytes)
    resolve_runner(options)
    return options, news


def _run(argv: list[str]) -> int:
    options, news = _pipeline_options(argv)
    from newsbeam.batch import run_batch

    balanced = run_batch(options, news)
    print_where(news.output)
    return 0 if balanced else 1


def _stream(argv: list[str]) -> int:
    options, news = _pipeline_options(argv)
    from newsbeam.stream import run_stream

    run_stream(options, news)
    print_where(news.output)
    return 0


def _query(output_dir: str, sql: str, output_format: str, max_rows: int) -> int:
    import duckdb

    from newsbeam.query import connect, query_error

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


if __name__ == "__main__":
    sys.exit(main())
