"""`newsbeam run`: a batch pipeline over the input files and one poll of the feeds.

On a local runner the files are split into chunks of about `--chunk-bytes` (see
`newsbeam.chunks`), each one run of its own with its own `runs` row; the memory the last
run freed goes back to the system before the next starts. Cluster runners get one run.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import time

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from newsbeam.archive_resume import archives_already_read, archives_of
from newsbeam.check import refuse_unreadable
from newsbeam.chunks import file_sizes, plan_chunks
from newsbeam.compose import build, index_cutoff, write
from newsbeam.dask_cluster import dask_cluster
from newsbeam.graph_guard import dask_hazards
from newsbeam.metrics import failed_feeds, newsbeam_counters
from newsbeam.options import NewsbeamOptions, is_dask_runner, is_local_runner, run_info
from newsbeam.output_dir import tidy
from newsbeam.output_lock import hold_output
from newsbeam.progress import RunProgress
from newsbeam.query import run_row_of
from newsbeam.report import print_accounting, print_feed_failures, print_part, print_run
from newsbeam.source_health import rewrite_source_health
from newsbeam.transforms.records import Stage
from newsbeam.transforms.sources.input_listing import (
    InputListing,
    expand_inputs,
    other_files_note,
)
from newsbeam.transforms.sources.redact import redact
from newsbeam.transforms.stories.story_state_files import commit_story_state

__all__ = ["run_batch"]


def run_batch(options: PipelineOptions, news: NewsbeamOptions) -> bool:
    """Runs the batch pipeline, chunk after chunk; False if any run does not balance, or
    a feed failed entirely without --allow-feed-failures.

    Feeds are polled once, with the first chunk. Raises ValueError when another newsbeam
    is writing into the output (OutputLocked), or naming them, when files of a local
    output cannot be read.
    """
    with hold_output(news.output, "run"):
        return _run_chunks(options, news)


def _run_chunks(options: PipelineOptions, news: NewsbeamOptions) -> bool:
    refuse_unreadable(news.output)
    tidy(news.output, index_cutoff(news))
    chunks = _chunks(options, news)
    balanced = True
    files = sum(len(listing.files) for listing, _ in chunks if listing)
    total_bytes = sum(size or 0 for _, size in chunks)
    interval = news.progress_interval if files else 0
    with RunProgress(files, total_bytes, interval) as progress:
        for number, (listing, size) in enumerate(chunks):
            if len(chunks) > 1:
                news.input = listing.files
                if number:
                    news.feed = news.feeds = None
                print_part(number, len(chunks), listing.files)
            row, complete = _run_once(options, news, listing)
            balanced = complete and balanced
            written = (row or {}).get("articles", 0)
            progress.chunk_done(len(listing.files) if listing else 0, size or 0, written)
            if number + 1 < len(chunks):
                _release_memory()
    return balanced


def _chunks(
    options: PipelineOptions, news: NewsbeamOptions
) -> list[tuple[InputListing | None, int | None]]:
    """The input of each run, with its files' bytes: one run over `news.input` unless a
    local runner reads files worth more than one chunk. The entries skipped go with the
    first chunk. Files are sized only where that costs a local stat each, or to plan
    chunks (on a cluster runner over `gs://`, a request per object would delay the launch;
    the bytes are then None and progress counts files)."""
    if not news.input:
        return [(None, 0)]
    listing = expand_inputs(news.input, news.follow_symlinks)
    if listing.other_files:  # not inputs, hence no rows: said, so that none is missed
        print(f"newsbeam: not read: {other_files_note(listing.other_files)}")
    listing = _without_archives_read(listing, news)
    if not (listing.files or listing.skipped):
        if news.feed or news.feeds:
            news.input = None  # every file was read before: the feeds alone
            return [(None, 0)]
        print("newsbeam: nothing left to read")
        return []
    if not (is_local_runner(options) and news.chunk_bytes):
        local = all(FileSystems.get_scheme(path) is None for path in listing.files)
        return [(listing, sum(file_sizes(listing.files)) if local else None)]
    sizes = file_sizes(listing.files)
    size_of = dict(zip(listing.files, sizes, strict=True))
    parts = plan_chunks(listing.files, sizes, news.chunk_bytes)
    return [
        (
            InputListing(files, listing.skipped if number == 0 else []),
            sum(size_of[path] for path in files),
        )
        for number, files in enumerate(parts)
    ]


def _without_archives_read(listing: InputListing, news: NewsbeamOptions) -> InputListing:
    """The listing less the web archive files balanced earlier runs read whole, said on
    stdout (`newsbeam.archive_resume`)."""
    archives = archives_of(listing.files)
    if not archives:  # no archive to skip: the runs table need not be read
        return listing
    done = archives_already_read(news.output)
    read_before = {path for path, size in archives if (path, size) in done}
    kept = [path for path in listing.files if redact(path) not in read_before]
    if len(kept) < len(listing.files):
        print(
            f"newsbeam: {len(listing.files) - len(kept)} web archive files were read whole by "
            "earlier runs into this output: not read again"
        )
    return InputListing(kept, listing.skipped)


def _run_once(
    options: PipelineOptions, news: NewsbeamOptions, listing: InputListing | None
) -> tuple[dict | None, bool]:
    """One batch pipeline over `listing` and the feeds: its `runs` row as written (None if
    it wrote none), and False if it does not balance or a feed failed (unless allowed)."""
    started = time.monotonic()
    run = run_info(options, "batch")
    if listing:
        run = dataclasses.replace(run, archives=archives_of(listing.files))
    with dask_cluster(options, news):
        pipeline = beam.Pipeline(options=options)
        outputs = build(pipeline, news, listing, stories_token=run.run_id)
        write(outputs, news.output, news.max_rows_per_file, run=run)
        _refuse_dask_hazards(options, pipeline)
        result = pipeline.run()
        result.wait_until_finish()
    # Its files are in: the next run adds to the stories this one left open.
    commit_story_state(news.output, outputs.stories_token)
    print_run(run, time.monotonic() - started, newsbeam_counters(result))
    row = run_row_of(news.output, run.run_id)
    balanced = print_accounting(news.output, run.run_id, row)
    if row is not None:
        rewrite_source_health(news.output, row["started_at"], row["ended_at"], run.run_id)
    return row, _feeds_read(result, news, row) and balanced


def _refuse_dask_hazards(options: PipelineOptions, pipeline: beam.Pipeline) -> None:
    """On Dask, a graph the runner would run wrongly without a word is not run at all."""
    hazards = dask_hazards(pipeline) if is_dask_runner(options) else []
    if hazards:
        raise RuntimeError(
            "this graph would lose rows on Beam's DaskRunner, nothing was run: "
            + "; ".join(map(str, hazards))
        )


def _feeds_read(result, news: NewsbeamOptions, row: dict | None) -> bool:
    """False if a feed failed entirely and --allow-feed-failures is not given; the failures
    are printed either way."""
    failures = failed_feeds(result)
    feed_rejects = 0
    if failures is None:  # no metrics on this runner: the runs row's count of feed rejects
        row = row or {}
        stage = f"rejects_{Stage.FEED}"
        feed_rejects = sum(s["count"] for s in row.get("stages", []) if s["name"] == stage)
    return print_feed_failures(failures, feed_rejects, news.allow_feed_failures)


def _release_memory() -> None:
    """Between chunks: what the last run freed goes back to the system (glibc keeps freed
    heap pages otherwise, and the next run's peak would add to the last one's)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
