"""The newsbeam graph: sources -> clean -> exact dedupe -> extract -> validate -> write.

Batch and streaming share everything after the source; only the source (files and one
poll of each feed, or feeds polled on a timer) and the windowing differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import apache_beam as beam
from apache_beam.pvalue import PCollection
from apache_beam.transforms import window

from pipeline.options import NewsbeamOptions, feed_configs, http_policy
from schemas import ARTICLES, DUPLICATES, REJECTS
from transforms.clean import CleanArticles
from transforms.dedupe import DedupeExact
from transforms.extract import ExtractEntities
from transforms.feeds import FeedConfig, FeedState
from transforms.fetch import FetchArticles
from transforms.poll import PollFeeds, ReadFeeds
from transforms.read import ReadArticleFiles, expand_inputs
from transforms.validate import ValidateRows
from transforms.write import WriteTable

__all__ = ["Outputs", "build", "build_stream", "process", "read_feeds_once", "write"]


class Outputs(NamedTuple):
    """The three tables as PCollections of row dicts."""

    articles: PCollection
    duplicates: PCollection
    rejects: PCollection


def build(pipeline: beam.Pipeline, options: NewsbeamOptions) -> Outputs:
    """The batch pipeline over files and one poll of each feed; returns its outputs."""
    records: list[PCollection] = []
    rejects: list[PCollection] = []
    if options.input:
        read = pipeline | "ReadArticleFiles" >> ReadArticleFiles(
            expand_inputs(options.input), options.max_file_bytes
        )
        records.append(read.articles)
        rejects.append(read.rejects)
    feeds = feed_configs(options)
    if feeds:
        fetched = read_feeds_once(pipeline, options, [(feed, FeedState()) for feed in feeds])
        records.append(fetched.articles)
        rejects.extend(fetched.rejects)
    return process(_flatten(records, "AllSources"), rejects, options)


class FeedArticles(NamedTuple):
    articles: PCollection
    rejects: list[PCollection]
    states: PCollection


def read_feeds_once(
    pipeline: beam.Pipeline,
    options: NewsbeamOptions,
    feeds: Sequence[tuple[FeedConfig, FeedState]],
) -> FeedArticles:
    """One poll of each feed, with its known state, and the fetch of its new entries."""
    policy = http_policy(options)
    polled = pipeline | "ReadFeeds" >> ReadFeeds(
        feeds, policy, options.poll_interval, options.state_expiry
    )
    fetched = polled.entries | "FetchArticles" >> FetchArticles(
        policy, options.fetch_pages, options.fetch_concurrency
    )
    return FeedArticles(fetched.articles, [polled.rejects, fetched.rejects], polled.states)


def build_stream(
    pipeline: beam.Pipeline, options: NewsbeamOptions, feeds: Sequence[FeedConfig]
) -> Outputs:
    """The streaming pipeline for true streaming runners: feeds polled on a timer, fixed
    windows of `--window` seconds, each window's files written when it closes."""
    policy = http_policy(options)
    tick = min([options.poll_interval, options.window] + [f.poll_interval or 1e9 for f in feeds])
    polled = pipeline | "PollFeeds" >> PollFeeds(
        feeds, policy, tick, options.poll_interval, options.state_expiry, options.duration
    )
    fetched = polled.entries | "FetchArticles" >> FetchArticles(
        policy, options.fetch_pages, options.fetch_concurrency
    )
    windows = window.FixedWindows(options.window)
    records = fetched.articles | "Window" >> beam.WindowInto(windows)
    rejects = [
        polled.rejects | "WindowFeedRejects" >> beam.WindowInto(windows),
        fetched.rejects | "WindowFetchRejects" >> beam.WindowInto(windows),
    ]
    return process(records, rejects, options)


def process(records: PCollection, rejects: list[PCollection], options: NewsbeamOptions) -> Outputs:
    """Raw article records -> the three output tables (any windowing is kept)."""
    cleaned = records | "CleanArticles" >> CleanArticles(options.min_words, options.max_chars)
    deduped = cleaned.articles | "DedupeExact" >> DedupeExact()
    extracted = deduped["articles"] | "ExtractEntities" >> ExtractEntities(
        options.spacy_model, options.region_level
    )
    articles = extracted.articles | "ValidateArticles" >> ValidateRows(ARTICLES)
    duplicates = deduped["duplicates"] | "ValidateDuplicates" >> ValidateRows(DUPLICATES)
    all_rejects = [
        *rejects,
        cleaned.rejects,
        extracted.rejects,
        articles.rejects,
        duplicates.rejects,
    ]
    return Outputs(articles.valid, duplicates.valid, _flatten(all_rejects, "AllRejects"))


def write(
    outputs: Outputs, output_dir: str, max_rows_per_file: int = 100_000, skip_existing: bool = True
) -> None:
    """Writes each table to Parquet under `output_dir`."""
    for table, rows in zip((ARTICLES, DUPLICATES, REJECTS), outputs, strict=True):
        _ = rows | f"Write{table.name.title()}" >> WriteTable(
            output_dir, table, max_rows_per_file, skip_existing
        )


def _flatten(collections: list[PCollection], label: str) -> PCollection:
    return collections[0] if len(collections) == 1 else tuple(collections) | label >> beam.Flatten()
