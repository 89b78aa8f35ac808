"""The newsbeam graph: sources -> clean -> exact dedupe -> near dedupe -> extract -> stories
-> write.

Batch and streaming share everything after the source; only the source (files and one
poll of each feed, or feeds polled on a timer) and the windowing differ. Duplicates are
removed before entity extraction, so copies cost no NLP time.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import apache_beam as beam
from apache_beam.pvalue import PCollection
from apache_beam.transforms import window
from apache_beam.utils.timestamp import Duration

from newsbeam.options import (
    NewsbeamOptions,
    archive_filter,
    feed_configs,
    http_policy,
    is_dask_runner,
)
from newsbeam.schemas import (
    ARTICLES,
    DUPLICATES,
    ENTITY_VARIANTS,
    MINHASH_INDEX,
    REJECTS,
    STORIES,
    STORY_MERGES,
)
from newsbeam.schemas.layout import state_dir
from newsbeam.transforms.clean.clean_articles import CleanArticles
from newsbeam.transforms.dedupe.cross_window_dedupe import CrossWindowDedupe
from newsbeam.transforms.dedupe.dedupe_exact import CountDuplicates, DedupeExact, RepointDuplicates
from newsbeam.transforms.dedupe.index_files import index_row
from newsbeam.transforms.dedupe.minhash import MinHashParams
from newsbeam.transforms.dedupe.near_dedupe import NearDedupe
from newsbeam.transforms.dedupe.read_minhash_index import ReadMinHashIndex
from newsbeam.transforms.extract.extract_entities import ExtractEntities
from newsbeam.transforms.extract.normalise_across_articles import NormaliseAcrossArticles
from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_state import FeedState
from newsbeam.transforms.sources.fetch_articles import FetchArticles
from newsbeam.transforms.sources.input_listing import InputListing, expand_inputs
from newsbeam.transforms.sources.read_article_files import ReadArticleFiles
from newsbeam.transforms.sources.read_feeds import PollFeeds, ReadFeeds
from newsbeam.transforms.stories.assign_stories import AssignStories
from newsbeam.transforms.stories.story_state_files import stage_story_state
from newsbeam.transforms.write.accounting import RunInfo
from newsbeam.transforms.write.tally_outcomes import TallyOutcomes
from newsbeam.transforms.write.validate_rows import ValidateRows
from newsbeam.transforms.write.write_tables import WriteRunRow, WriteTables, Written

__all__ = [
    "Outputs",
    "build",
    "build_stream",
    "index_cutoff",
    "process",
    "read_feeds_once",
    "write",
]

# Polls are light (one feed, often a 304): several polls per page-fetch thread.
POLLS_PER_FETCH_THREAD = 4


_ALLOWED_LATENESS = 86_400  # seconds: a window accepts data up to a day late


class Outputs(NamedTuple):
    """The tables as PCollections of row dicts, the MinHash index rows, and the tally of
    inputs and outcomes the `runs` row is made of. `open_stories` is the story state the
    run leaves; `write` stages it under `stories_token`, and `commit_story_state` makes it
    current once the run's files are written."""

    articles: PCollection
    duplicates: PCollection
    rejects: PCollection
    index: PCollection | None = None
    variants: PCollection | None = None
    tally: PCollection | None = None
    stories: PCollection | None = None
    story_merges: PCollection | None = None
    open_stories: PCollection | None = None
    stories_token: str | None = None


def index_cutoff(options: NewsbeamOptions, now: datetime | None = None) -> datetime:
    """Index entries older than this are expired."""
    return (now or datetime.now(UTC)) - timedelta(seconds=options.state_expiry)


def build(
    pipeline: beam.Pipeline,
    options: NewsbeamOptions,
    listing: InputListing | None = None,
    stories_token: str | None = None,
) -> Outputs:
    """The batch pipeline over files and one poll of each feed; returns its outputs.

    `listing`: the input files (and entries skipped) of this run, when the caller listed
    them already (a chunk of a larger input); otherwise `--input` is listed here.
    `stories_token`: see `process`.
    """
    records: list[PCollection] = []
    rejects: list[PCollection] = []
    polls: list[PCollection] = []
    skipped: list[PCollection] = []
    if listing is None and options.input:
        listing = expand_inputs(options.input, options.follow_symlinks)
    if listing:
        read = pipeline | "ReadArticleFiles" >> ReadArticleFiles(
            listing.files,
            options.max_file_bytes,
            listing.skipped,
            options.max_page_bytes,
            archive_filter(options),
            options.split_bytes,
        )
        records.append(read.articles)
        rejects.append(read.rejects)
        skipped.append(read.skipped)
    feeds = feed_configs(options)
    if feeds:
        fetched = read_feeds_once(pipeline, options, [(feed, FeedState()) for feed in feeds])
        records.append(fetched.articles)
        rejects.extend(fetched.rejects)
        polls.append(fetched.polls)
    prior = pipeline | "ReadMinHashIndex" >> ReadMinHashIndex(
        options.output, index_cutoff(options), minhash_params(options)
    )
    return process(
        _flatten(records, "AllSources"),
        rejects,
        options,
        prior,
        polls=polls,
        skipped=skipped,
        stories_token=stories_token,
    )


def minhash_params(options) -> MinHashParams:
    """The run's MinHash parameters: what signs its articles, and so which index entries
    (by their scheme) it can compare them with."""
    return MinHashParams(threshold=options.near_threshold)


class FeedArticles(NamedTuple):
    articles: PCollection
    rejects: list[PCollection]
    states: PCollection | None
    polls: PCollection
    """One record per poll (`read_feeds.poll_record`), for the runs row's `feeds`."""


def read_feeds_once(
    pipeline: beam.Pipeline,
    options: NewsbeamOptions,
    feeds: Sequence[tuple[FeedConfig, FeedState]],
    pages_by: float | None = None,
    with_states: bool = False,
) -> FeedArticles:
    """One poll of each feed, with its known state, and the fetch of its new entries:
    pages still coming at `pages_by` (epoch seconds) are cut, and their feed text stands in.
    `with_states`: the feeds' states after the poll too, for a caller that keeps them."""
    policy = http_policy(options)
    polled = pipeline | "ReadFeeds" >> ReadFeeds(
        feeds,
        policy,
        options.poll_interval,
        options.state_expiry,
        concurrency=POLLS_PER_FETCH_THREAD * options.fetch_concurrency,
        with_states=with_states,
    )
    fetched = polled.entries | "FetchArticles" >> FetchArticles(
        dataclasses.replace(policy, stop_at=pages_by),
        options.fetch_pages,
        options.fetch_concurrency,
        is_dask_runner(options),
    )
    states = polled.states if with_states else None
    return FeedArticles(fetched.articles, [polled.rejects, fetched.rejects], states, polled.polls)


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
        policy, options.fetch_pages, options.fetch_concurrency, is_dask_runner(options)
    )
    # Late data (a slow fetch, a runner hiccup) becomes a late pane, not a silent loss.
    windows = {
        "windowfn": window.FixedWindows(options.window),
        "allowed_lateness": Duration(seconds=_ALLOWED_LATENESS),
    }
    records = fetched.articles | "Window" >> beam.WindowInto(**windows)
    rejects = [
        polled.rejects | "WindowFeedRejects" >> beam.WindowInto(**windows),
        fetched.rejects | "WindowFetchRejects" >> beam.WindowInto(**windows),
    ]
    polls = polled.polls | "WindowFeedPolls" >> beam.WindowInto(**windows)
    return process(records, rejects, options, across_windows=True, polls=[polls])


def process(
    records: PCollection,
    rejects: list[PCollection],
    options: NewsbeamOptions,
    prior: PCollection | None = None,
    across_windows: bool = False,
    polls: list[PCollection] | None = None,
    skipped: list[PCollection] | None = None,
    stories_token: str | None = None,
) -> Outputs:
    """Raw article records -> the three output tables (any windowing is kept).

    `prior` holds (id, signature) of articles already written; without it, near-duplicates
    are found within the input (or window) only. `across_windows` (true streaming) adds a
    stateful index of earlier windows instead. `polls`: the feeds' poll records, and
    `skipped`: why each archive record that is no input was skipped, both counted into
    the runs row. `stories_token` names the open stories `write` stages: the run's id,
    so that a run killed after its `runs` row can have them made current by the next
    (`recover_story_state`); a fresh token otherwise.
    """
    pipeline = records.pipeline
    cleaned = records | "CleanArticles" >> CleanArticles(
        options.min_words, options.max_chars, options.max_title_chars
    )
    exact = cleaned.articles | "DedupeExact" >> DedupeExact()
    if prior is None:
        prior = pipeline | "NoPriorIndex" >> beam.Create([])
    params = minhash_params(options)
    by_grouping = is_dask_runner(options)
    near = {"articles": exact["articles"], "prior": prior} | "NearDedupe" >> NearDedupe(
        params, batch_by_grouping=by_grouping
    )
    kept, near_duplicates = near["articles"], near["duplicates"]
    if across_windows:
        later = kept | "CrossWindowDedupe" >> CrossWindowDedupe(params, options.state_expiry)
        kept = later["articles"]
        near_duplicates = (
            near_duplicates,
            later["duplicates"],
        ) | "NearDuplicates" >> beam.Flatten()
    exact_repointed = {
        "duplicates": exact["duplicates"],
        "dropped": near_duplicates,
    } | "PointExactToKept" >> RepointDuplicates()
    all_duplicates = (exact_repointed, near_duplicates) | "AllDuplicates" >> beam.Flatten()
    counted = {
        "articles": kept,
        "duplicates": all_duplicates,
    } | "CountDuplicates" >> CountDuplicates()
    extracted = counted | "ExtractEntities" >> ExtractEntities(
        options.spacy_model, options.region_level, batch_by_grouping=by_grouping
    )
    normalised = extracted.articles | "NormaliseAcrossArticles" >> NormaliseAcrossArticles()
    storied = {
        "articles": normalised["articles"],
        "duplicates": all_duplicates,
    } | "AssignStories" >> AssignStories(
        options.output, options.state_expiry, in_keyed_state=across_windows
    )
    articles = storied["articles"] | "ValidateArticles" >> ValidateRows(ARTICLES)
    duplicates = storied["duplicates"] | "ValidateDuplicates" >> ValidateRows(DUPLICATES)
    index = kept | "IndexRows" >> beam.Map(index_row, params.scheme)
    all_rejects = _flatten(
        [*rejects, cleaned.rejects, extracted.rejects, articles.rejects, duplicates.rejects],
        "AllRejects",
    )
    flows = {
        "inputs": _flatten([records, *rejects], "AllInputs"),
        "articles": articles.valid,
        "duplicates": duplicates.valid,
        "rejects": all_rejects,
    }
    if polls:
        flows["polls"] = _flatten(polls, "AllPolls")
    if skipped:
        flows["skipped"] = _flatten(skipped, "AllSkipped")
    tally = flows | "Account" >> TallyOutcomes()
    return Outputs(
        articles.valid,
        duplicates.valid,
        all_rejects,
        index,
        normalised["variants"],
        tally,
        storied["stories"],
        storied["story_merges"],
        storied["open_stories"],
        stories_token or uuid.uuid4().hex,
    )


def write(
    outputs: Outputs,
    output_dir: str,
    max_rows_per_file: int = 100_000,
    skip_existing: bool = True,
    run: RunInfo | None = None,
    staged: PCollection | None = None,
) -> None:
    """Writes every table to Parquet under `output_dir`, and the MinHash index beside it.

    One branch writes them all, and with `run` the run's `runs` row comes last, once every
    other file of the run (or of each stream window) is in place: its `ended_at` is when
    the output was complete, and the graph has a single end (see
    `newsbeam.transforms.write.write_tables`). `staged`: `Written` records of other files
    the row waits for (a local stream's staged feed states), so that a run with a `runs`
    row has staged all it will make current.
    """
    targets = {
        "articles": (output_dir, ARTICLES),
        "duplicates": (output_dir, DUPLICATES),
        "rejects": (output_dir, REJECTS),
        "variants": (output_dir, ENTITY_VARIANTS),
        "stories": (output_dir, STORIES),
        "story_merges": (output_dir, STORY_MERGES),
    }
    tables = {
        "articles": outputs.articles,
        "duplicates": outputs.duplicates,
        "rejects": outputs.rejects,
        "variants": outputs.variants,
        "stories": outputs.stories,
        "story_merges": outputs.story_merges,
    }
    if outputs.index is not None and skip_existing:
        targets["index"] = (state_dir(output_dir), MINHASH_INDEX)
        tables["index"] = outputs.index
    tables = {label: rows for label, rows in tables.items() if rows is not None}
    written = tables | "WriteTables" >> WriteTables(targets, max_rows_per_file, skip_existing)
    if outputs.open_stories is not None and outputs.stories_token:
        staged_stories = outputs.open_stories | "StageOpenStories" >> beam.Map(
            _stage_stories, output_dir, outputs.stories_token
        )
        written = (written, staged_stories) | "WrittenAndStaged" >> beam.Flatten()
    if staged is not None:
        written = (written, staged) | "WrittenAndStagedStates" >> beam.Flatten()
    if run is None or outputs.tally is None:
        return
    _ = {"tally": outputs.tally, "written": written} | "WriteRuns" >> WriteRunRow(
        output_dir, run, per_window=not skip_existing
    )


def _stage_stories(state, output_dir: str, token: str) -> Written:
    """Stages the open stories; the `runs` row waits for it like for any file."""
    path = stage_story_state(output_dir, token, state)
    return Written("open_stories", "story_state", path, {})


def _flatten(collections: list[PCollection], label: str) -> PCollection:
    return collections[0] if len(collections) == 1 else tuple(collections) | label >> beam.Flatten()
