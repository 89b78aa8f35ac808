"""Polling feeds: once per run (batch), or on a timer with per-feed Beam state (streaming)."""

from __future__ import annotations

import io
import pickle
import time
from collections.abc import Sequence
from datetime import UTC, datetime

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
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["FeedStateCoder", "PollFeeds", "ReadFeeds", "STATES_TAG"]

STATES_TAG = "states"


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
        interval = feed.poll_interval or self._default_interval
        outcome = poll_feed(
            self._client, feed, state, now, interval, self._expiry, self._policy.max_body_bytes
        )
        if outcome.status == "not_due":
            return outcome, []
        self._polled.inc()
        outputs = []
        if outcome.status == "not_modified":
            self._not_modified.inc()
        if outcome.problem is not None:
            self._failed.inc()
            reason, detail = outcome.problem
            ingested = datetime.fromtimestamp(now, UTC)
            row = reject(
                feed.url, Stage.FEED, reason, detail, ingested, feed.name, occasion=repr(now)
            )
            if is_feed_failure(reason):
                self._failures.add(FeedFailure(row["input"], reason, row["detail"]).note())
            outputs.append(Tagged(REJECTS_TAG, row))
        self._new_entries.inc(len(outcome.entries))
        outputs.extend(entry_element(feed, outcome.feed_title, e) for e in outcome.entries)
        return outcome, outputs


class _PollOnceFn(_PollBase):
    """(feed, state) -> new entries; the next state on the `states` output (batch, local)."""

    def process(self, element):
        feed, state = element
        outcome, outputs = self._poll(feed, state, time.time())
        yield from outputs
        yield Tagged(STATES_TAG, (feed, outcome.state))


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
    `(feed, FeedState)` after the poll, for callers that keep state between runs. Reject
    reasons (stage `feed`): feed_<http reason> (e.g. feed_http_404, feed_timeout,
    feed_refused_address), feed_empty, feed_unparseable.
    """

    def __init__(
        self,
        feeds: Sequence[tuple[FeedConfig, FeedState]],
        policy: HttpPolicy,
        default_interval: float = 300.0,
        expiry: float = 7 * 86_400.0,
    ) -> None:
        super().__init__()
        if not feeds:
            raise ValueError("ReadFeeds needs at least one feed")
        self._feeds = list(feeds)
        self._policy = policy
        self._default_interval = default_interval
        self._expiry = expiry

    def expand(self, pbegin):
        return (
            pbegin
            | "ListFeeds" >> beam.Create(self._feeds)
            | "SpreadFeeds" >> beam.Reshuffle()
            | "PollEachFeed"
            >> beam.ParDo(_PollOnceFn(self._policy, self._default_interval, self._expiry))
            | "SplitOutputs" >> SplitOutputs(REJECTS_TAG, STATES_TAG, main="entries")
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
            | "SplitRejects" >> SplitOutputs(REJECTS_TAG, main="entries")
        )
