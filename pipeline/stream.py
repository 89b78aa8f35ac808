"""`newsbeam stream`: feeds polled for as long as it runs, each window's files on disk.

Two paths, one set of transforms:

- **Local runners** (DirectRunner, i.e. FnApiRunner): Beam 2.77's local runners do not
  stream an unbounded source incrementally, so the stream is a succession of bounded runs,
  one per window. Each run polls the feeds that are due, fetches, cleans, dedupes,
  extracts and writes; its files are renamed into place when it ends. Per-feed state
  (conditional-GET validators, backoff, keys of entries seen) lives in
  `DIR/_state/feeds/*.json`, and a run's new state is committed only after its files are
  written: a crash re-polls, and the table's key check keeps rows from repeating.
- **Streaming runners** (Flink, Dataflow): `build_stream` is one unbounded pipeline with
  the same transforms, the state in Beam state and fixed windows.
"""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from newsbeam.check import refuse_unreadable
from newsbeam.compaction import check_folder_exchange, compact_output
from newsbeam.compose import (
    POLLS_PER_FETCH_THREAD,
    build_stream,
    index_cutoff,
    minhash_params,
    process,
    read_feeds_once,
    write,
)
from newsbeam.metrics import failed_feeds, newsbeam_counters
from newsbeam.options import (
    NewsbeamOptions,
    feed_configs,
    http_policy,
    is_dask_runner,
    is_local_runner,
    run_info,
)
from newsbeam.output_dir import finish_interrupted_runs
from newsbeam.output_lock import hold_output
from newsbeam.query import run_row_of
from newsbeam.report import compaction_summary, print_feed_failures
from newsbeam.source_health import rewrite_source_health
from newsbeam.transforms.dedupe.index_files import prune_index
from newsbeam.transforms.dedupe.read_minhash_index import ReadMinHashIndex
from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_state import FeedState, FeedStateStore
from newsbeam.transforms.sources.redact import redact
from newsbeam.transforms.stories.story_state_files import (
    commit_story_state,
    discard_story_state,
)
from newsbeam.transforms.write.accounting import balance_report
from newsbeam.transforms.write.write_tables import Written

__all__ = [
    "LocalStream",
    "StreamFailed",
    "check_stream",
    "is_due",
    "pages_deadline",
    "run_stream",
    "spread_polls",
]

_LOG = logging.getLogger(__name__)
_SUMMARY = (
    "feeds_polled",
    "feeds_not_modified",
    "feeds_failed",
    "feed_entries_new",
    "pages_fetched",
    "pages_failed",
    "articles_written",
    "duplicates_written",
    "rejects_written",
)


PAGES_SHARE = 0.75
"""The share of a window its page fetches may take; the rest is for extraction and writing."""


class StreamFailed(RuntimeError):
    """Several windows in a row failed: something outside the input is wrong (disk, model)."""


class _StageStateFn(beam.DoFn):
    """Writes each feed's state after the poll into the run's pending folder."""

    def __init__(self, pending_dir: str) -> None:
        self._pending_dir = pending_dir

    def process(self, element):
        feed, state = element
        os.makedirs(self._pending_dir, exist_ok=True)
        path = os.path.join(self._pending_dir, f"{feed.key}.json")
        temporary = f"{path}.{uuid.uuid4().hex}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"url": redact(feed.url), "state": state.to_dict()}, handle)
        os.replace(temporary, path)
        yield Written("feed_states", "feed_state", path, {})  # the runs row waits for it


class LocalStream:
    """Successive bounded runs, one per window, until stopped or `--duration` has passed."""

    MAX_FAILED_WINDOWS = 3

    def __init__(
        self,
        options: PipelineOptions,
        feeds: Sequence[FeedConfig],
        say: Callable[[str], None] = print,
    ) -> None:
        self._options = options
        self._news = options.view_as(NewsbeamOptions)
        self._feeds = list(feeds)
        self._store = FeedStateStore(self._news.output)
        self._say = say
        self._stop_requested = False
        self.totals: dict[str, int] = {}
        self.windows = 0
        self._failed_in_a_row = 0
        self.aborted = False  # a second Ctrl-C abandoned a window: its inputs are not written
        self.unbalanced_windows = 0
        self._compacted_at = time.monotonic()

    @property
    def complete(self) -> bool:
        """Every window the stream ran was written and balanced (the exit status says so)."""
        return not self.aborted and self.unbalanced_windows == 0

    def run(self) -> dict[str, int]:
        previous = signal.signal(signal.SIGINT, self._request_stop)
        previous_term = signal.signal(signal.SIGTERM, self._request_stop)
        started = time.monotonic()
        deadline = started + self._news.duration if self._news.duration else None
        try:
            self._loop(deadline)
        except KeyboardInterrupt:  # the second Ctrl-C, between or inside windows
            self.aborted = True
        finally:
            signal.signal(signal.SIGINT, previous)
            signal.signal(signal.SIGTERM, previous_term)
        if self.aborted:
            self._say("newsbeam stream: aborted: the window being run was not written")
        self._say(
            f"newsbeam stream: stopped after {self.windows} windows, "
            f"{time.monotonic() - started:.0f}s; totals: {_summary(self.totals)}"
        )
        return self.totals

    def _loop(self, deadline: float | None) -> None:
        while not self._stop_requested:
            window_start, opened_at = time.monotonic(), time.time()
            if deadline is not None and window_start >= deadline:
                break
            due = self._due_feeds(opened_at)
            if due:
                self._run_window(due, window_start, opened_at)
            self._compact_if_due()
            next_window = window_start + self._news.window
            wake = next_window if deadline is None else min(next_window, deadline)
            self._sleep_until(wake)

    def _due_feeds(self, now: float) -> list[tuple[FeedConfig, FeedState]]:
        states = [(feed, self._store.load(feed)) for feed in self._feeds]
        due = [(feed, state) for feed, state in states if is_due(state, now, self._news.window)]
        at_once = POLLS_PER_FETCH_THREAD * self._news.fetch_concurrency
        return spread_polls(due, self._feeds, self._news.window, self._news.poll_interval, at_once)

    def _run_window(
        self, due: list[tuple[FeedConfig, FeedState]], opened: float, opened_at: float
    ) -> None:
        """One bounded run: polls `due`, writes its files; `opened` (monotonic) and
        `opened_at` (epoch) are when the window opened, for its deadlines."""
        run = run_info(self._options, "stream_window")
        run_id = run.run_id
        pipeline = beam.Pipeline(options=self._options)
        cutoff = index_cutoff(self._news)
        prune_index(self._news.output, cutoff)
        fetched = read_feeds_once(
            pipeline,
            self._news,
            due,
            pages_deadline(opened_at, self._news.window, http_policy(self._news).deadline),
            with_states=True,
        )
        params = minhash_params(self._news)
        prior = pipeline | "ReadMinHashIndex" >> ReadMinHashIndex(self._news.output, cutoff, params)
        outputs = process(
            fetched.articles,
            fetched.rejects,
            self._news,
            prior,
            polls=[fetched.polls],
            stories_token=run_id,
        )
        staged = fetched.states | "StageFeedStates" >> beam.ParDo(
            _StageStateFn(self._store.pending(run_id))
        )
        write(outputs, self._news.output, self._news.max_rows_per_file, run=run, staged=staged)
        started = time.monotonic()
        try:
            result = pipeline.run()
            result.wait_until_finish()
        except Exception as error:  # noqa: BLE001 - a failed window is retried with the old state
            self._store.discard(run_id)
            discard_story_state(self._news.output, outputs.stories_token)
            if self.aborted:
                return
            self._failed_in_a_row += 1
            _LOG.exception("window %s failed; its feeds will be polled again", run_id)
            if self._failed_in_a_row >= self.MAX_FAILED_WINDOWS:
                raise StreamFailed(
                    f"{self._failed_in_a_row} windows in a row failed, the last with: {error}"
                ) from error
            return
        self._failed_in_a_row = 0
        self._store.commit(run_id)
        commit_story_state(self._news.output, outputs.stories_token)
        counters = newsbeam_counters(result)
        for name, value in counters.items():
            self.totals[name] = self.totals.get(name, 0) + value
        self.windows += 1
        row = run_row_of(self._news.output, run_id)
        accounting = balance_report(row)[0] if row else "no runs row written"
        if row is not None:
            rewrite_source_health(self._news.output, row["started_at"], row["ended_at"], run_id)
        ran, closed = time.monotonic() - started, time.monotonic() - opened
        self._say(
            f"window {self.windows} ({len(due)} feeds due, run {ran:.1f}s, written "
            f"{closed:.1f}s after it opened): {_summary(counters)}; {accounting}"
        )
        if closed > self._news.window:
            _LOG.warning(
                "window %s was written %.1fs after it opened, later than its %gs: more work "
                "than a window's time%s",
                run_id,
                closed,
                self._news.window,
                " (the first window also loads the models)" if self.windows == 1 else "",
            )
            shared = _feeds_on_one_host([feed for feed, _state in due])
            if shared > 1 and (shared - 1) * self._news.host_interval >= self._news.window / 4:
                _LOG.warning(
                    "%d of the feeds due are on one host: their polls are %gs apart "
                    "(--host-interval), %gs in all",
                    shared,
                    self._news.host_interval,
                    (shared - 1) * self._news.host_interval,
                )
        if row is None or not row["balanced"]:
            self.unbalanced_windows += 1
            _LOG.error("window %s: some inputs are not accounted for: %s", run_id, accounting)
        sys.stdout.flush()
        # A stream goes on past a failed feed (it is polled again, backing off): said only.
        print_feed_failures(failed_feeds(result), 0, allowed=True)

    def _compact_if_due(self) -> None:
        """Between windows, at most once per `--compact-after`: merges the small files of
        the partitions no window has written into for that long (`newsbeam.compaction`).
        The stream holds the writer lock, and no window is writing now."""
        every = self._news.compact_after
        if not every or time.monotonic() - self._compacted_at < every:
            return
        self._compacted_at = time.monotonic()
        try:
            done = compact_output(self._news.output, quiet_for=every)
        except Exception as error:  # noqa: BLE001 - the stream's windows matter more
            # A compaction that failed changed nothing it had not finished (each folder is
            # exchanged whole); the stream goes on writing, uncompacted, and says so.
            _LOG.error(
                "compaction failed, no more compaction in this stream (newsbeam compact "
                "%s can be run once it stops): %s",
                self._news.output,
                error,
            )
            self._news.compact_after = None
            return
        if done.folders:
            self._say(f"newsbeam stream: compacted {compaction_summary(done)}")

    def _sleep_until(self, wake: float) -> None:
        while not self._stop_requested:
            remaining = wake - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(min(remaining, 0.2))

    def _request_stop(self, signum, _frame) -> None:
        if self._stop_requested:  # a second Ctrl-C does not wait for the window
            self.aborted = True
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        self._stop_requested = True
        self._say(
            f"newsbeam stream: {signal.Signals(signum).name} received, "
            "finishing the current window (Ctrl-C again to abort it)"
        )


def is_due(state: FeedState, window_opens: float, window: float) -> bool:
    """Whether a window opening at `window_opens` polls the feed: it comes due before the
    next window opens.

    A feed's next poll is reckoned from when it was polled, some seconds into its window;
    waiting until it is strictly due would push each of its polls a whole window later
    (every 360 s instead of 300 with 60 s windows), and leave windows with nothing due
    beside windows with twice their share.
    """
    return state.next_poll_at < window_opens + window


def spread_polls(
    due: list[tuple[FeedConfig, FeedState]],
    feeds: Sequence[FeedConfig],
    window: float,
    default_interval: float,
    at_once: int = 1,
) -> list[tuple[FeedConfig, FeedState]]:
    """The due feeds this window polls: at most its fair share of all polls (each feed once
    per interval), longest overdue first; the rest wait for the next windows. A stream of
    no more feeds than `at_once` (the polls a window makes concurrently) polls all that
    are due.

    At start every feed is due at once: polling them all in the first window would make it
    overrun, and keep every later poll in step (a burst each interval). Capped, the polls
    spread evenly over the windows of one interval and stay spread. Feeds that one round of
    concurrent polls covers gain nothing from spreading: two feeds are polled together.
    """
    share = sum(window / (feed.poll_interval or default_interval) for feed in feeds)
    share = math.ceil(round(share, 6))  # 500 x 0.2 sums to 100.00000000000001
    ordered = sorted(due, key=lambda item: item[1].next_poll_at)
    if len(feeds) <= at_once:
        return ordered
    return ordered[: max(share, 1)]


def pages_deadline(window_start: float, window: float, request_deadline: float) -> float:
    """When a window's page fetches must end: after `PAGES_SHARE` of the window, so that a
    page that hangs late in a window does not make the window late, but never before one
    request's own deadline, so that a short window still gets its pages."""
    return window_start + max(PAGES_SHARE * window, request_deadline)


def _feeds_on_one_host(feeds: Sequence[FeedConfig]) -> int:
    """The most feeds of one host among `feeds`: polled `--host-interval` apart, they can
    fill a window that has nothing new to read."""
    hosts = Counter(
        urlsplit(feed.url).netloc.lower()  # as the client paces them: host and port
        for feed in feeds
        if feed.url.startswith(("http://", "https://"))
    )
    return max(hosts.values(), default=0)


def _summary(counters: dict[str, int]) -> str:
    return ", ".join(f"{name}={counters.get(name, 0)}" for name in _SUMMARY)


def check_stream(options: PipelineOptions, news: NewsbeamOptions) -> None:
    """Raises ValueError for what a stream cannot do, before the output is touched."""
    if news.input:
        raise ValueError("stream reads feeds only: use `newsbeam run --input` for files")
    if is_dask_runner(options):
        raise ValueError(
            "Beam's DaskRunner runs bounded pipelines only: stream with the default "
            "DirectRunner (locally), or --runner FlinkRunner or DataflowRunner"
        )


def run_stream(options: PipelineOptions, news: NewsbeamOptions) -> bool:
    """`newsbeam stream`: a `LocalStream` on a local runner, else one unbounded pipeline
    (waited on for `--duration`, or until the runner stops it). Raises ValueError for
    what a stream cannot do. False when a window was aborted or did not balance."""
    check_stream(options, news)
    feeds = feed_configs(news)
    with hold_output(news.output, "stream"):
        return _stream(options, news, feeds)


def _stream(options: PipelineOptions, news: NewsbeamOptions, feeds: Sequence[FeedConfig]) -> bool:
    if not is_local_runner(options):
        if news.compact_after:
            raise ValueError(
                "--compact-after compacts a local stream between its windows; on "
                f"{options.view_as(StandardOptions).runner}, run newsbeam compact on the output"
            )
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
        return True
    if "://" in news.output:
        raise ValueError("a local stream keeps feed state beside its output: use a local --output")
    refuse_unreadable(news.output)
    finish_interrupted_runs(news.output)
    if news.compact_after:
        check_folder_exchange(news.output)
    print(
        f"newsbeam stream: {len(feeds)} feeds, a window every {news.window:g}s, "
        f"polls every {news.poll_interval:g}s, output {redact(news.output)}"
    )
    sys.stdout.flush()
    stream = LocalStream(options, feeds)
    stream.run()
    return stream.complete
