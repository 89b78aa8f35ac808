"""Polling feeds: once per run (batch), or on a timer with per-feed Beam state (streaming)."""

from __future__ import annotations

import io
import pickle
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import apache_beam as beam
from apache_beam import DoFn
from apache_beam.coders import PickleCoder
from apache_beam.coders.coder_impl import CallbackCoderImpl
from apache_beam.metrics import Metrics
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec

from newsbeam.transforms.records import REJECTS_TAG, Stage, Tagged, reject
from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_failures import (
    FEED_FAILURES_METRIC,
    FeedFailure,
    is_feed_failure,
)
from newsbeam.transforms.sources.feed_polling import entry_element, poll_feed
from newsbeam.transforms.sources.feed_state import FeedState
from newsbeam.transforms.sources.http import HttpClient, HttpPolicy
from newsbeam.transforms.sources.redact import redact
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = [
    "POLLS_TAG",
    "FeedStateCoder",
    "PollFeeds",
    "ReadFeeds",
    "STATES_TAG",
    "by_host_in_turn",
    "host_of",
    "poll_record",
]

STATES_TAG = "states"
POLLS_TAG = "polls"
"""One record per poll of a feed (`poll_record`), for the runs row's `feeds`."""


def poll_record(feed: FeedConfig, outcome) -> dict:
    """What one poll did, per feed: its status, the entries its document listed (seen) and
    those new since the last poll. The source is the feed's name, else its title when the
    poll read it (a 304 does not: the reader of the runs row maps `feed_url` to the
    source its articles carry). The URL is redacted like every stored URL."""
    return {
        "source": feed.name or outcome.feed_title,
        "feed_url": redact(feed.url),
        "status": outcome.status,
        "entries_seen": outcome.entries_seen,
        "entries_new": len(outcome.entries),
    }


# Polls under way at once to one host: many feeds of one publisher must not have every
# thread wait on that one server (requests to it are paced by the client anyway).
PER_HOST_POLLS = 2


def host_of(url: str) -> str:
    """The server a URL is fetched from ("" for a local file)."""
    return urlsplit(url).netloc.lower() if "://" in url else ""


def by_host_in_turn(items: Iterable, host) -> list:
    """`items` reordered to take one of each host in turn (first-seen order kept): work cut
    into batches or handed to threads in this order spreads over servers, so that one slow
    or paced server holds up as little of it as can be."""
    queues: dict[str, list] = defaultdict(list)
    for item in items:
        queues[host(item)].append(item)
    ordered, lanes = [], [list(reversed(queue)) for queue in queues.values()]
    while lanes:
        ordered.extend(lane.pop() for lane in lanes)
        lanes = [lane for lane in lanes if lane]
    return ordered


class _LegacyFeedStateUnpickler(pickle.Unpickler):
    """Reads a `FeedState` pickled before newsbeam had one namespace (module `transforms.feeds`)."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("transforms.feeds", "FeedState"):
            return FeedState
        return super().find_class(module, name)


def _decode_feed_state(data: bytes) -> dict:
    value = _LegacyFeedStateUnpickler(io.BytesIO(data)).load()
    return value.to_dict() if isinstance(value, FeedState) else value


class FeedStateCoder(PickleCoder):
    """Beam state of a feed as `FeedState.to_dict()`: plain values that name no module, so
    a savepoint survives a module's move. It still reads the `FeedState` objects that
    Beam's `PickleCoder` wrote under the old module path (newsbeam 0.1's savepoints)."""

    def _create_impl(self):
        return CallbackCoderImpl(
            lambda state: pickle.dumps(state, pickle.HIGHEST_PROTOCOL), _decode_feed_state
        )


class _PollBase(beam.DoFn):
    def __init__(self, policy: HttpPolicy, default_interval: float, expiry: float) -> None:
        self._policy = policy
        self._default_interval = default_interval
        self._expiry = expiry
        self._client: HttpClient | None = None
        self._polled = Metrics.counter("newsbeam", "feeds_polled")
        self._not_modified = Metrics.counter("newsbeam", "feeds_not_modified")
        self._failed = Metrics.counter("newsbeam", "feeds_failed")
        self._new_entries = Metrics.counter("newsbeam", "feed_entries_new")
        self._failures = Metrics.string_set("newsbeam", FEED_FAILURES_METRIC)

    def setup(self) -> None:
        self._client = HttpClient(self._policy)

    def teardown(self) -> None:
        if self._client is not None:
            self._client.close()

    def _poll(self, feed: FeedConfig, state: FeedState, now: float):
        return self._count(feed, self._fetch(feed, state, now), now)

    def _fetch(self, feed: FeedConfig, state: FeedState, now: float):
        """The poll itself: no Beam metrics here, so that it may run on any thread."""
        interval = feed.poll_interval or self._default_interval
        return poll_feed(
            self._client, feed, state, now, interval, self._expiry, self._policy.max_body_bytes
        )

    def _count(self, feed: FeedConfig, outcome, now: float):
        """Metrics and output elements of one poll: on the DoFn's own thread, where Beam
        keeps the metrics of the bundle."""
        if outcome.status == "not_due":
            return outcome, []
        self._polled.inc()
        outputs = []
        if outcome.status == "not_modified":
            self._not_modified.inc()
        if outcome.problem is not None:
            reason, detail = outcome.problem
            ingested = datetime.fromtimestamp(now, UTC)
            row = reject(
                feed.url, Stage.FEED, reason, detail, ingested, feed.name, occasion=repr(now)
            )
            if is_feed_failure(reason):  # an empty feed was read: its reject is no failure
                self._failed.inc()
                self._failures.add(FeedFailure(row["input"], reason, row["detail"]).note())
            outputs.append(Tagged(REJECTS_TAG, row))
        self._new_entries.inc(len(outcome.entries))
        outputs.append(Tagged(POLLS_TAG, poll_record(feed, outcome)))
        outputs.extend(entry_element(feed, outcome.feed_title, e) for e in outcome.entries)
        return outcome, outputs


class _PollBatchFn(_PollBase):
    """A batch of (feed, state) -> new entries and states, the feeds polled `concurrency` at
    a time, at most `PER_HOST_POLLS` to one host: a batch then takes about as long as its
    slowest poll (bounded by the client's deadline), not the sum of them all."""

    def __init__(self, policy, default_interval, expiry, concurrency: int) -> None:
        super().__init__(policy, default_interval, expiry)
        self._concurrency = concurrency
        self._pool: ThreadPoolExecutor | None = None

    def setup(self) -> None:
        super().setup()
        self._pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="newsbeam-poll")

    def teardown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        super().teardown()

    def process(self, batch):
        now = time.time()
        hosts: dict[str, threading.Semaphore] = defaultdict(
            lambda: threading.Semaphore(PER_HOST_POLLS)
        )
        for feed, _state in batch:  # made here, on one thread: defaultdict is not thread-safe
            hosts[host_of(feed.url)]  # noqa: B018

        def poll(feed: FeedConfig, state: FeedState):
            # Every feed handed in is polled now: the caller chose it (a local stream's
            # window polls feeds that come due before the next window opens).
            state = replace(state, next_poll_at=min(state.next_poll_at, now))
            with hosts[host_of(feed.url)]:
                return self._fetch(feed, state, now)

        futures = {self._pool.submit(poll, feed, state): feed for feed, state in batch}
        entries = []
        for future in as_completed(futures):
            feed = futures[future]
            outcome, outputs = self._count(feed, future.result(), now)
            yield Tagged(STATES_TAG, (feed, outcome.state))
            for output in outputs:
                if isinstance(output, Tagged):
                    yield output
                else:
                    entries.append(output)
        # One entry of each host in turn: the page fetches downstream, cut into batches in
        # this order, spread over servers instead of queueing on one.
        yield from by_host_in_turn(entries, lambda element: host_of(element["entry"].link or ""))


class _PollStatefulFn(_PollBase):
    """(feed url, feed) per tick -> new entries, with the feed's state in Beam state.

    The state is one `FeedState` per feed, kept as its plain dict (`FeedStateCoder`):
    conditional-GET validators, backoff, and the keys of entries seen within `expiry`
    seconds (at most 10,000), so it stays bounded however long the stream runs. "Now" is
    the tick's event time, so tests can replay time.
    """

    FEED_STATE = ReadModifyWriteStateSpec("feed_state", FeedStateCoder())

    def process(
        self,
        element,
        timestamp=beam.DoFn.TimestampParam,
        feed_state=DoFn.StateParam(FEED_STATE),
    ):
        _url, feed = element
        state = FeedState.from_dict(feed_state.read())
        outcome, outputs = self._poll(feed, state, float(timestamp))
        feed_state.write(outcome.state.to_dict())
        yield from outputs


class ReadFeeds(beam.PTransform):
    """PBegin -> feed entries (bounded), one poll of each feed; outputs `states`, `rejects`.

    Each element of the main output is `{"feed", "feed_title", "entry"}`. `states` carries
    `(feed, FeedState)` after the poll, for callers that keep state between runs
    (`with_states`; without it there is no `states` output, and no branch that ends
    unread, which Beam's DaskRunner would not compute: `newsbeam.graph_guard`). Reject
    reasons (stage `feed`): feed_<http reason> (e.g. feed_http_404, feed_timeout,
    feed_refused_address), feed_empty, feed_unparseable.

    Every feed given is polled, due or not (its caller chose it). Feeds are polled
    `concurrency` at a time (at most `PER_HOST_POLLS` per host), in batches of `batch_size`
    that take one server of each in turn: a run waits for its slowest poll, bounded by the
    client's deadline, instead of the sum of all polls.
    """

    def __init__(
        self,
        feeds: Sequence[tuple[FeedConfig, FeedState]],
        policy: HttpPolicy,
        default_interval: float = 300.0,
        expiry: float = 7 * 86_400.0,
        concurrency: int = 32,
        batch_size: int = 512,
        with_states: bool = True,
    ) -> None:
        super().__init__()
        if not feeds:
            raise ValueError("ReadFeeds needs at least one feed")
        if concurrency < 1 or batch_size < 1:
            raise ValueError("ReadFeeds needs concurrency and batch_size >= 1")
        self._feeds = list(feeds)
        self._policy = policy
        self._default_interval = default_interval
        self._expiry = expiry
        self._concurrency = concurrency
        self._batch_size = batch_size
        self._with_states = with_states

    def expand(self, pbegin):
        ordered = by_host_in_turn(self._feeds, lambda item: host_of(item[0].url))
        size = self._batch_size
        batches = [ordered[start : start + size] for start in range(0, len(ordered), size)]
        poll = _PollBatchFn(self._policy, self._default_interval, self._expiry, self._concurrency)
        tags = (
            (REJECTS_TAG, POLLS_TAG, STATES_TAG) if self._with_states else (REJECTS_TAG, POLLS_TAG)
        )
        return (
            pbegin
            | "ListFeeds" >> beam.Create(batches, reshuffle=False)
            | "SpreadBatches" >> beam.Reshuffle()
            | "PollFeedBatches" >> beam.ParDo(poll)
            | "SplitOutputs" >> SplitOutputs(*tags, main="entries")
        )


class PollFeeds(beam.PTransform):
    """PBegin -> feed entries (unbounded): polls every feed each `tick` seconds while due.

    For true streaming runners (Flink, Dataflow). A `PeriodicImpulse` fires every `tick`
    seconds from the start of the run (`rebase`: no burst of catch-up ticks); each tick is
    fanned out to the feeds, keyed by feed URL, and `_PollStatefulFn` polls a feed when its
    own interval (or backoff) has passed. Entries carry the tick's timestamp. Outputs
    `rejects` like `ReadFeeds`.
    """

    def __init__(
        self,
        feeds: Sequence[FeedConfig],
        policy: HttpPolicy,
        tick: float,
        default_interval: float = 300.0,
        expiry: float = 7 * 86_400.0,
        stop_after: float | None = None,
    ) -> None:
        super().__init__()
        if not feeds or tick <= 0:
            raise ValueError("PollFeeds needs feeds and a positive tick")
        self._feeds = list(feeds)
        self._policy = policy
        self._tick = tick
        self._default_interval = default_interval
        self._expiry = expiry
        self._stop_after = stop_after

    def expand(self, pbegin):
        from apache_beam.transforms.periodicsequence import PeriodicImpulse, RebaseMode
        from apache_beam.utils.timestamp import MAX_TIMESTAMP

        # Start (and stop) are rebased to when the job runs, not when the graph was built:
        # a job submitted later, or updated, must not fire a burst of catch-up ticks.
        if self._stop_after:
            bounds = {"stop_timestamp": self._stop_after, "rebase": RebaseMode.REBASE_ALL}
        else:
            bounds = {"stop_timestamp": MAX_TIMESTAMP, "rebase": RebaseMode.REBASE_START}
        feeds = self._feeds
        return (
            pbegin
            | "Tick" >> PeriodicImpulse(start_timestamp=0, fire_interval=self._tick, **bounds)
            # Keyed by feed URL: a str key gets a deterministic coder, as state requires.
            | "EachFeed"
            >> beam.FlatMap(lambda _tick: [(feed.url, feed) for feed in feeds]).with_output_types(
                tuple[str, FeedConfig]
            )
            | "PollDueFeeds"
            >> beam.ParDo(_PollStatefulFn(self._policy, self._default_interval, self._expiry))
            | "SplitRejects" >> SplitOutputs(REJECTS_TAG, POLLS_TAG, main="entries")
        )
