"""Polling feeds: the stateful poller under `TestStream`, against a real server on 127.0.0.1."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.test_stream import TestStream as BeamTestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from newsbeam.transforms.records import REJECTS_TAG
from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.http import HttpPolicy
from newsbeam.transforms.sources.read_feeds import _PollStatefulFn
from newsbeam.transforms.split_outputs import SplitOutputs
from tests.support.beam import streaming_pipeline
from tests.support.local_server import Reply
from tests.support.news_site import NewsSite


def test_each_entry_is_emitted_once_however_often_the_feed_is_polled(server):
    site = NewsSite(server)
    for slug in ("kenya-water", "chile-copper", "japan-rail", "peru-floods"):
        site.publish("world", slug)
    entries = {entry.slug: entry for entry in site.feeds["world"]}
    # What the feed holds at its 1st, 2nd, 3rd and 4th request (the 3rd is unchanged: 304).
    versions = [
        ["kenya-water", "chile-copper"],
        ["kenya-water", "chile-copper", "japan-rail"],
        ["kenya-water", "chile-copper", "japan-rail"],
        ["kenya-water", "chile-copper", "japan-rail", "peru-floods"],
    ]
    serve_feed = site.feed_route("world")

    def world(request):
        site.feeds["world"] = [entries[slug] for slug in versions[min(request.count, 4) - 1]]
        return serve_feed(request)

    server.routes["/feeds/world.xml"] = world
    server.routes["/feeds/gone.xml"] = Reply(404)
    world_feed = FeedConfig(site.feed_url("world"), name="World", poll_interval=5)
    gone_feed = FeedConfig(site.server.url("/feeds/gone.xml"), poll_interval=5)

    def tick(feed, at):
        return TimestampedValue((feed.url, feed), at)

    ticks = (
        BeamTestStream()
        .add_elements([tick(world_feed, 100), tick(gone_feed, 100)])
        .add_elements([tick(world_feed, 102), tick(gone_feed, 105)])  # not due; backing off
        .add_elements([tick(world_feed, 110)])  # a new entry
        .add_elements([tick(world_feed, 120), tick(gone_feed, 200)])  # 304; due again: fails
        .add_elements([tick(world_feed, 2_000)])  # past the expiry: old entries forgotten
        .advance_watermark_to_infinity()
    )
    policy = HttpPolicy(allow_private_networks=True, min_host_interval=0.0, max_retries=0)
    with streaming_pipeline() as p:
        polled = (
            p
            | ticks
            | beam.ParDo(_PollStatefulFn(policy, default_interval=5, expiry=1_000))
            | SplitOutputs(REJECTS_TAG, main="entries")
        )
        assert_that(
            polled.entries | "Slugs" >> beam.Map(lambda e: e["entry"].link.rsplit("/", 1)[1]),
            equal_to(
                [
                    "kenya-water",
                    "chile-copper",
                    "japan-rail",
                    "kenya-water",
                    "chile-copper",
                    "japan-rail",
                    "peru-floods",
                ]
            ),
            label="entries",
        )
        assert_that(
            polled.rejects
            | "Reasons"
            >> beam.Map(lambda r: (r["input"].rsplit("/", 1)[1], r["stage"], r["reason"])),
            equal_to([("gone.xml", "feed", "feed_http_404")] * 2),
            label="rejects",
        )
    assert server.statuses[("/feeds/world.xml", 304)] == 1
    assert server.hits["/feeds/world.xml"] == 4  # the tick at 102 was not due
    assert server.hits["/feeds/gone.xml"] == 2  # the tick at 105 fell in the backoff


def test_a_feed_that_fails_entirely_is_reported_to_the_caller_and_an_empty_one_is_not(
    server, tmp_path
):
    """`newsbeam run` exits 1 for a feed that failed: the poll tells it through a metric."""
    from newsbeam.metrics import failed_feeds, newsbeam_counters
    from newsbeam.options import LOCAL_RUNNER
    from newsbeam.transforms.sources.feed_failures import FeedFailure
    from newsbeam.transforms.sources.feed_state import FeedState
    from newsbeam.transforms.sources.read_feeds import ReadFeeds

    site = NewsSite(server)
    site.publish("world", "kenya-water")
    server.routes["/feeds/gone.xml"] = Reply(404)
    empty = tmp_path / "empty.atom"
    empty.write_text("<feed xmlns='http://www.w3.org/2005/Atom'><title>Nothing</title></feed>")
    not_a_feed = tmp_path / "page.xml"
    not_a_feed.write_text("<html><body>This is not a feed</body></html>")
    feeds = [
        FeedConfig(site.feed_url("world")),
        FeedConfig(server.url("/feeds/gone.xml")),
        FeedConfig(str(empty)),
        FeedConfig(str(not_a_feed)),
    ]
    policy = HttpPolicy(allow_private_networks=True, min_host_interval=0.0, max_retries=0)
    pipeline = beam.Pipeline(runner=LOCAL_RUNNER)
    polled = pipeline | ReadFeeds([(feed, FeedState()) for feed in feeds], policy)
    assert_that(
        polled.rejects | beam.Map(lambda r: r["reason"]),
        equal_to(["feed_http_404", "feed_empty", "feed_unparseable"]),
    )
    result = pipeline.run()
    result.wait_until_finish()
    failures = failed_feeds(result)
    assert [(f.feed, f.reason) for f in failures] == sorted(
        [(server.url("/feeds/gone.xml"), "feed_http_404"), (str(not_a_feed), "feed_unparseable")]
    )
    assert all(isinstance(f, FeedFailure) and f.detail for f in failures)
    # The counter a stream prints per window agrees with the feeds named as failed.
    counters = newsbeam_counters(result)
    assert (counters["feeds_polled"], counters["feeds_failed"]) == (4, 2)


def test_slow_feeds_are_polled_at_once_not_one_after_another(server):
    """A stream's window polls every due feed within the window: 20 feeds that each take
    1.5 s to answer, on 20 servers, take about one feed's time, not 30 s."""
    import time

    from newsbeam.options import LOCAL_RUNNER
    from newsbeam.transforms.sources.feed_state import FeedState
    from newsbeam.transforms.sources.read_feeds import ReadFeeds
    from tests.support.connections import StubResolver

    rss = (
        b"<rss version='2.0'><channel><title>Slow</title><item><title>One</title>"
        b"<guid>one</guid><description>Rain fell on the plain.</description></item>"
        b"</channel></rss>"
    )

    def slow(_request):
        time.sleep(1.5)
        return Reply(200, rss, {"Content-Type": "application/rss+xml"})

    server.routes["/slow.xml"] = slow
    port = server.url("/").split(":")[2].split("/")[0]
    hosts = [f"feed{n}.example" for n in range(20)]
    feeds = [FeedConfig(f"http://{host}:{port}/slow.xml") for host in hosts]
    policy = HttpPolicy(
        allowed_networks=("127.0.0.1/32",),
        resolver=StubResolver({host: ["127.0.0.1"] for host in hosts}),
        respect_robots=False,
        max_retries=0,
    )
    pipeline = beam.Pipeline(runner=LOCAL_RUNNER)
    polled = pipeline | ReadFeeds([(feed, FeedState()) for feed in feeds], policy)
    assert_that(polled.entries | beam.combiners.Count.Globally(), equal_to([20]))
    assert_that(
        polled.states | "Urls" >> beam.Map(lambda fs: fs[0].url),
        equal_to([feed.url for feed in feeds]),
        label="EveryFeedHasItsState",
    )
    started = time.monotonic()
    pipeline.run().wait_until_finish()
    assert time.monotonic() - started < 12.0
    assert server.hits["/slow.xml"] == 20
