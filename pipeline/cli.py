"""`newsbeam`: run the pipeline (batch or stream), or query its output with DuckDB."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from collections.abc import Sequence

__all__ = ["main"]

_EXAMPLE_QUERY = "SELECT region, date, count(*) AS articles FROM articles GROUP BY ALL ORDER BY ALL"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
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
        if argv[:1] != ["query"]:  # Beam takes a second to import: not for a query
            from newsbeam.options import NewsbeamOptions

            NewsbeamOptions._add_argparse_args(command)
        command.add_argument("--runner", default="DirectRunner", help="Beam runner")
    query_parser = commands.add_parser(
        "query", allow_abbrev=False, help="query an output directory with DuckDB"
    )
    query_parser.add_argument("output", help="the directory a run wrote into")
    query_parser.add_argument(
        "sql",
        help="SQL over the views articles, duplicates, rejects, entity_variants, runs, mentions",
    )
    query_parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query_parser.add_argument("--max-rows", dest="max_rows", type=int, default=100)

    args, beam_args = parser.parse_known_args(argv)
    try:
        if args.command == "run":
            return _run(argv[1:])
        if args.command == "stream":
            return _stream(argv[1:])
        if beam_args:
            parser.error(f"unrecognised arguments: {' '.join(beam_args)}")
        return _query(args.output, args.sql, args.format, args.max_rows)
    except ValueError as error:
        print(f"newsbeam: error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # a run that started and could not go on
        print(f"newsbeam: failed: {error}", file=sys.stderr)
        return 1


def _options(argv: list[str]):
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import resolve_runner, validate

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apache_beam").setLevel(logging.WARNING)
    options = PipelineOptions(argv)
    news = validate(options)
    if "://" not in news.output:
        news.output = os.path.abspath(news.output)
        _check_writable(news.output, news.min_free_bytes)
    resolve_runner(options)
    return options, news


def _check_writable(output: str, min_free_bytes: int) -> None:
    """Fails before the job starts when the output directory cannot take a file, or its
    disk is (nearly) full: better than failing on the first write after an hour of NLP."""
    import shutil

    from newsbeam.schemas.layout import temporary_dir

    probe_dir = temporary_dir(output)
    probe = os.path.join(probe_dir, f".probe-{os.getpid()}")
    try:
        os.makedirs(probe_dir, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"newsbeam")
        os.remove(probe)
    except OSError as error:
        raise ValueError(f"cannot write to --output {output}: {error.strerror or error}") from None
    free = shutil.disk_usage(output).free
    if free < min_free_bytes:
        raise ValueError(
            f"the disk of --output {output} is full: {free:,} bytes free, "
            f"--min-free-bytes={min_free_bytes:,}"
        )


def _run(argv: list[str]) -> int:
    from newsbeam.options import is_local_runner

    options, news = _options(argv)
    _prune_index(news)
    chunks = [news.input]
    if news.input and is_local_runner(options) and news.chunk_bytes:
        from newsbeam.chunks import file_sizes, plan_chunks
        from newsbeam.transforms.sources.read_article_files import expand_inputs

        files = expand_inputs(news.input)
        chunks = plan_chunks(files, file_sizes(files), news.chunk_bytes)
    balanced = True
    for number, files in enumerate(chunks):
        if len(chunks) > 1:
            # Feeds are polled once, with the first chunk; each chunk is a run of its own.
            news.input = files
            if number:
                news.feed = news.feeds = None
            print(f"newsbeam: part {number + 1} of {len(chunks)}: {len(files)} input files")
        balanced = _run_once(options, news) and balanced
        if number + 1 < len(chunks):
            _release_memory()
    _print_where(news.output)
    return 0 if balanced else 1


def _run_once(options, news) -> bool:
    """One batch pipeline over news.input and the feeds; False if it does not balance."""
    import apache_beam as beam

    from newsbeam.compose import build, write
    from newsbeam.metrics import newsbeam_counters
    from newsbeam.options import run_info

    started = time.monotonic()
    run = run_info(options, "batch")
    with _dask_cluster(options, news):
        pipeline = beam.Pipeline(options=options)
        write(build(pipeline, news), news.output, news.max_rows_per_file, run=run)
        result = pipeline.run()
        result.wait_until_finish()
    counters = newsbeam_counters(result)
    elapsed = time.monotonic() - started
    print(f"newsbeam: run {run.run_id} finished on {run.runner} in {elapsed:.1f}s")
    for name in sorted(counters):
        print(f"  {name:<28} {counters[name]}")
    sys.stdout.flush()
    return _print_accounting(news.output, run.run_id)


def _release_memory() -> None:
    """Between chunks: what the last run freed goes back to the system (glibc keeps freed
    heap pages otherwise, and the next run's peak would add to the last one's)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@contextlib.contextmanager
def _dask_cluster(options, news):
    """For `--runner dask`: the cluster to run on, started here with `--dask-workers N`.

    Beam's DaskRunner reads the scheduler's address from its own `--dask_client_address`.
    """
    from newsbeam.options import is_dask_runner

    if not is_dask_runner(options):
        yield
        return
    try:
        import distributed
        from apache_beam.runners.dask.dask_runner import DaskOptions
    except ImportError:
        raise ValueError(
            "--runner dask needs dask.distributed: pip install 'newsbeam[dask]'"
        ) from None
    dask = options.view_as(DaskOptions)
    if news.dask_workers:
        if news.dask_address:
            raise ValueError("give --dask-address or --dask-workers, not both")
        with distributed.LocalCluster(
            n_workers=news.dask_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster:
            dask.address = cluster.scheduler_address
            yield
        return
    dask.address = news.dask_address or dask.address
    if not dask.address:
        raise ValueError("--runner dask needs --dask-address tcp://HOST:PORT or --dask-workers N")
    yield


def _print_accounting(output: str, run_id: str) -> bool:
    """Prints the run's inputs = articles + duplicates + rejects; False if it does not hold."""
    from newsbeam.query import run_row_of
    from newsbeam.transforms.write.accounting import balance_report

    row = run_row_of(output, run_id)
    if row is None:
        print(f"newsbeam: error: the run wrote no runs row for {run_id}", file=sys.stderr)
        return False
    for line in balance_report(row):
        print(f"  {line}")
    if not row["balanced"]:
        print(
            "newsbeam: error: some inputs are not accounted for (see above and the runs table)",
            file=sys.stderr,
        )
    return row["balanced"]


def _stream(argv: list[str]) -> int:
    from apache_beam.options.pipeline_options import StandardOptions

    from newsbeam.options import feed_configs, is_dask_runner, is_local_runner

    options, news = _options(argv)
    if news.input:
        raise ValueError("stream reads feeds only: use `newsbeam run --input` for files")
    if is_dask_runner(options):
        raise ValueError(
            "Beam's DaskRunner runs bounded pipelines only: stream with the default "
            "DirectRunner (locally), or --runner FlinkRunner or DataflowRunner"
        )
    feeds = feed_configs(news)
    if is_local_runner(options):
        from newsbeam.stream import LocalStream

        if "://" in news.output:
            raise ValueError(
                "a local stream keeps feed state beside its output: use a local --output"
            )
        print(
            f"newsbeam stream: {len(feeds)} feeds, a window every {news.window:g}s, "
            f"polls every {news.poll_interval:g}s, output {news.output}"
        )
        sys.stdout.flush()
        LocalStream(options, feeds).run()
    else:
        import apache_beam as beam

        from newsbeam.compose import build_stream, write
        from newsbeam.options import run_info

        options.view_as(StandardOptions).streaming = True
        pipeline = beam.Pipeline(options=options)
        write(
            build_stream(pipeline, news, feeds),
            news.output,
            news.max_rows_per_file,
            skip_existing=False,
            run=run_info(options, "stream"),
        )
        result = pipeline.run()
        result.wait_until_finish(duration=int(news.duration * 1000) if news.duration else None)
    _print_where(news.output)
    return 0


_STALE_TEMPORARY_S = 3600  # no single file takes an hour to write


def _prune_index(news) -> None:
    """Housekeeping before a run: expired index files, and files a killed run left behind."""
    from newsbeam.compose import index_cutoff
    from newsbeam.transforms.dedupe.index_files import prune_index
    from newsbeam.transforms.write.parquet_files import remove_stale_temporary

    expired = prune_index(news.output, index_cutoff(news))
    if expired:
        logging.getLogger(__name__).info("expired %d MinHash index files", expired)
    stale = remove_stale_temporary(news.output, _STALE_TEMPORARY_S)
    if stale:
        logging.getLogger(__name__).info("removed %d temporary files of killed runs", stale)


def _print_where(output: str) -> None:
    print(f"Output: {output}")
    print(f'Try: newsbeam query {output} "{_EXAMPLE_QUERY}"')


def _query(output_dir: str, sql: str, output_format: str, max_rows: int) -> int:
    import duckdb

    from newsbeam.query import connect

    if not os.path.isdir(output_dir):
        raise ValueError(f"{output_dir!r} is not a directory written by newsbeam run")
    connection = connect(output_dir)
    try:
        relation = connection.sql(sql)
    except duckdb.Error as error:
        raise ValueError(f"query failed: {error}") from error
    if relation is None:
        return 0
    if output_format == "csv":
        relation.limit(max_rows).to_df().to_csv(sys.stdout, index=False)
    elif output_format == "json":
        print(relation.limit(max_rows).to_df().to_json(orient="records", date_format="iso"))
    else:
        relation.show(max_rows=max_rows, max_width=200)
    return 0


if __name__ == "__main__":
    sys.exit(main())
