"""Streaming behaviour under `TestStream`: stateful polling and windowed writes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.test_stream import TestStream as BeamTestStream
from apache_beam.testing.util import assert_that, equal_to, equal_to_per_window
from apache_beam.transforms import window
from apache_beam.transforms.window import IntervalWindow, TimestampedValue
from apache_beam.utils.timestamp import Duration

from newsbeam.compose import process, write
from newsbeam.options import NewsbeamOptions
from newsbeam.query import connect
from newsbeam.transforms.records import REJECTS_TAG
from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.http import HttpPolicy
from newsbeam.transforms.sources.read_feeds import _PollStatefulFn
from newsbeam.transforms.split_outputs import SplitOutputs
from tests.support.local_server import Reply
from tests.support.news_site import NewsSite

STREAMING_RUNNER = "BundleBasedDirectRunner"  # the local runner that executes TestStream


def _streaming_pipeline() -> BeamTestPipeline:
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    return BeamTestPipeline(runner=STREAMING_RUNNER, options=options)


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
    with _streaming_pipeline() as p:
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


STORY = (
    "{country}'s government said on Monday that it would raise spending on flood defences "
    "along the coast after storms damaged thousands of homes last winter, and officials in "
    "{city} said work would begin within weeks. Minister {person} told reporters the plan "
    "would be paid for by a new infrastructure bond approved by parliament."
)


def _record(url, country, city, person, at):
    ingested = datetime.fromtimestamp(at, UTC)
    return TimestampedValue(
        {
            "input": url,
            "url": url,
            "source": "Wire",
            "title": None,
            "text": STORY.format(country=country, city=city, person=person),
            "authors": [],
            "tags": [],
            "feed_url": "https://wire.test/feed",
            "text_source": "feed",
            "published_at": None,
            "date": date(2025, 3, 3),
            "date_source": "feed",
            "language_hint": "en",
            "region_hint": None,
            "ingested_at": ingested,
        },
        at,
    )


def test_windows_are_written_when_they_close_with_late_and_repeated_entries(tmp_path):
    kenya = _record("https://wire.test/kenya", "Kenya", "Mombasa", "Grace Wanjiru", 10)
    chile = _record("https://wire.test/chile", "Chile", "Valparaiso", "Tomas Herrera", 20)
    poland = _record("https://wire.test/poland", "Poland", "Gdansk", "Anna Kowalska", 70)
    kenya_again = _record(
        "https://syndicator.test/kenya-copy", "Kenya", "Mombasa", "Grace Wanjiru", 80
    )
    late_ghana = _record("https://wire.test/ghana", "Ghana", "Takoradi", "Kwame Mensah", 30)
    records = (
        BeamTestStream()
        .add_elements([kenya, chile])
        .advance_watermark_to(65)  # closes the first window [0, 60)
        .add_elements([poland, kenya_again])
        .add_elements([late_ghana])  # behind the watermark: a late pane of [0, 60)
        .advance_watermark_to_infinity()
    )
    options = PipelineOptions(["--output", str(tmp_path), "--min-words", "20"]).view_as(
        NewsbeamOptions
    )
    with _streaming_pipeline() as p:
        windowed = (
            p
            | records
            | beam.WindowInto(window.FixedWindows(60), allowed_lateness=Duration(seconds=3600))
        )
        outputs = process(windowed, [], options)
        write(outputs, str(tmp_path), skip_existing=False)
        assert_that(
            outputs.articles | "Urls" >> beam.Map(lambda r: r["url"].rsplit("/", 1)[1]),
            equal_to_per_window(
                {
                    IntervalWindow(0, 60): ["kenya", "chile", "ghana"],
                    IntervalWindow(60, 120): ["poland", "kenya-copy"],
                }
            ),
            label="per window",
        )
    db = connect(str(tmp_path))
    # Within a window, an exact copy is a duplicate; across windows, only the feed state
    # (upstream of this test) keeps an entry from coming back.
    assert db.execute("SELECT count(*) FROM articles").fetchall() == [(5,)]
    files = sorted(p.name for p in (tmp_path / "articles").rglob("*.parquet"))
    assert len(files) >= 4  # separate files per window and pane, each complete
    assert db.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]


def _story(seed: int, words: int = 260) -> str:
    import random

    rng = random.Random(seed)
    vocabulary = [
        f"{stem}{n}" for stem in ("port", "vote", "rain", "grid", "bank") for n in range(40)
    ]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def _copy(text: str) -> str:
    words = text.split()
    return " ".join(words[:-12] + ["(With", "inputs", "from", "agencies)"])


def test_copies_are_caught_across_windows_in_any_arrival_order_until_they_expire(tmp_path):
    from newsbeam.transforms.clean.clean_articles import clean_article
    from newsbeam.transforms.dedupe.cross_window_dedupe import CrossWindowDedupe
    from newsbeam.transforms.dedupe.minhash import MinHashParams
    from newsbeam.transforms.dedupe.near_dedupe import NearDedupe

    def article(name, text, at):
        record = _record(f"https://wire.test/{name}", "Kenya", "Mombasa", "Grace Wanjiru", at)
        return TimestampedValue(clean_article({**record.value, "text": text}), at)

    a, b, c = _story(1), _story(2), _story(3)
    events = (
        BeamTestStream()
        .add_elements([article("a", a, 10), article("c", c, 20)])
        .advance_watermark_to(60)
        .add_elements([article("a-copy", _copy(a), 70)])  # a later window: against "a"
        .add_elements([article("b", b, 200)])
        .advance_watermark_to(240)
        .add_elements([article("b-copy-late", _copy(b), 100)])  # older, but arrives after "b"
        .add_elements([article("c-copy", _copy(c), 5_000)])  # "c" has expired by then
        .advance_watermark_to_infinity()
    )
    params = MinHashParams()
    with _streaming_pipeline() as p:
        windowed = (
            p
            | events
            | beam.WindowInto(window.FixedWindows(60), allowed_lateness=Duration(seconds=3600))
        )
        near = {"articles": windowed, "prior": p | "NoPrior" >> beam.Create([])} | NearDedupe(
            params
        )
        later = near["articles"] | CrossWindowDedupe(params, expiry=1_000)
        name = lambda url: url.rsplit("/", 1)[1]  # noqa: E731
        assert_that(
            later["articles"] | "Kept" >> beam.Map(lambda r: name(r["url"])),
            equal_to_per_window(
                {
                    IntervalWindow(0, 60): ["a", "c"],
                    IntervalWindow(180, 240): ["b"],
                    IntervalWindow(4980, 5040): ["c-copy"],
                }
            ),
            label="kept",
        )
        # The late copy is its window's late pane: compare across panes.
        assert_that(
            later["duplicates"]
            | "Copies" >> beam.Map(lambda r: (name(r["url"]), r["kind"], r["similarity"] >= 0.8))
            | "AllPanes" >> beam.WindowInto(window.GlobalWindows()),
            equal_to([("a-copy", "near", True), ("b-copy-late", "near", True)]),
            label="duplicates",
        )
