"""`FetchArticles`: each feed entry an article or a reject, under the source its article
would carry, on a real runner."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_parsing import FeedEntry
from newsbeam.transforms.sources.feed_polling import entry_element
from newsbeam.transforms.sources.fetch_articles import FetchArticles
from newsbeam.transforms.sources.http import HttpPolicy
from tests.support.builders import STORY


def _entry(key: str, text: str) -> FeedEntry:
    return FeedEntry(key, "feeds/science.xml", None, f"Entry {key}", text, None)


def test_an_unnamed_feed_s_rejects_carry_the_title_its_poll_read(pipeline):
    """A feed of entries without text or link: each is a `no_text` reject, counted under
    the feed's title as its articles are (it was `(unknown)`, so a feed whose every entry
    failed looked healthy), and under its configured name where it has one."""
    unnamed, named = FeedConfig("feeds/science.xml"), FeedConfig("feeds/w.xml", name="Wire")
    elements = [
        entry_element(unnamed, "Science this week", _entry("a", STORY)),
        entry_element(unnamed, "Science this week", _entry("b", "")),
        entry_element(named, "Wire's own title", _entry("c", "")),
        entry_element(unnamed, None, _entry("d", "")),  # a poll that read no title
    ]
    with pipeline as p:
        fetched = p | beam.Create(elements) | FetchArticles(HttpPolicy(), fetch_pages="never")
        assert_that(
            fetched.articles | "Articles" >> beam.Map(lambda r: (r["title"], r["source"])),
            equal_to([("Entry a", "Science this week")]),
            label="articles",
        )
        assert_that(
            fetched.rejects | beam.Map(lambda r: (r["reason"], r["source"])),
            equal_to([("no_text", "Science this week"), ("no_text", "Wire"), ("no_text", None)]),
            label="rejects",
        )


def test_a_too_short_feed_text_standing_in_for_a_failed_page_says_why(server):
    """An operator reading a `too_short` reject must see that the page could not be read
    (the feed's summary stood in for it), not only a word count: over a run where every
    page failed, the rejects said "35 words, fewer than --min-words=40" and nothing else.
    The page's failure is counted too (`pages_failed`, in a stream window's line)."""
    from newsbeam.metrics import newsbeam_counters
    from newsbeam.options import LOCAL_RUNNER
    from newsbeam.transforms.clean.clean_articles import CleanArticles

    feed = FeedConfig(server.url("/feed.xml"))
    gone = FeedEntry("g", feed.url, server.url("/gone.html"), "Gone", "Short summary.", None)
    element = entry_element(feed, "Wire", gone)
    policy = HttpPolicy(allow_private_networks=True, min_host_interval=0.0, max_retries=0)
    pipeline = beam.Pipeline(runner=LOCAL_RUNNER)
    fetched = pipeline | beam.Create([element]) | FetchArticles(policy, fetch_pages="always")
    cleaned = fetched.articles | CleanArticles(min_words=40)
    assert_that(
        cleaned.rejects | beam.Map(lambda r: (r["reason"], r["detail"])),
        equal_to(
            [
                (
                    "too_short",
                    "2 words, fewer than --min-words=40 (the feed's text: the page was "
                    f"not read, page_http_404: 404 from {server.url('/gone.html')})",
                )
            ]
        ),
    )
    result = pipeline.run()
    result.wait_until_finish()
    counters = newsbeam_counters(result)
    assert (counters["pages_failed"], counters.get("pages_fetched", 0)) == (1, 0)
    assert server.hits["/gone.html"] == 1
