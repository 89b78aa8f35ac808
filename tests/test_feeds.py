"""Feed configuration, parsing and per-feed state: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbeam.transforms.sources.feed_config import FeedConfig, load_feeds_file
from newsbeam.transforms.sources.feed_parsing import FeedEntry, html_to_text, parse_feed
from newsbeam.transforms.sources.feed_state import FeedState
from tests.support.paths import SHARED

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example Wire</title>
<item><title>Kenya &amp; drought</title><link>https://wire.test/kenya?utm_source=rss</link>
<guid isPermaLink="false">kenya-1</guid><pubDate>Mon, 03 Mar 2025 10:00:00 +0300</pubDate>
<dc:creator>Grace Wanjiru</dc:creator><category>Africa</category><category>Climate</category>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>First paragraph of the story.</p><p>Second <b>bold</b> paragraph.</p>]]></content:encoded>
</item>
<item><title>No link, text only</title><description>Only a description here.</description></item>
<item><title></title><link>tag:not-a-web-link</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><id>urn:uuid:1</id><title type="html">Chile &lt;em&gt;copper&lt;/em&gt;</title>
<link href="https://wire.test/chile"/><updated>2025-03-04T08:30:00Z</updated>
<author><name>Tomas Herrera</name></author><summary>Copper smelter approved.</summary></entry>
</feed>"""


def test_rss_entries_carry_their_metadata():
    feed = parse_feed(RSS, "https://wire.test/feed.xml")
    assert feed.title == "Example Wire" and feed.problem is None
    assert [e.title for e in feed.entries] == ["Kenya & drought", "No link, text only"]
    kenya, text_only = feed.entries
    assert kenya.link == "https://wire.test/kenya?utm_source=rss"
    assert kenya.text == "First paragraph of the story.\n\nSecond bold paragraph."
    assert kenya.published_at == datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
    assert kenya.authors == ("Grace Wanjiru",) and kenya.tags == ("Africa", "Climate")
    assert text_only.link is None and text_only.text == "Only a description here."


def test_atom_entries():
    (entry,) = parse_feed(ATOM, "https://wire.test/atom").entries
    assert (entry.title, entry.link, entry.authors) == (
        "Chile copper",
        "https://wire.test/chile",
        ("Tomas Herrera",),
    )
    assert entry.published_at == datetime(2025, 3, 4, 8, 30, tzinfo=UTC)


def test_entry_keys_are_stable_and_differ_between_feeds():
    first = parse_feed(RSS, "https://a.test/feed").entries[0]
    again = parse_feed(RSS, "https://a.test/feed").entries[0]
    elsewhere = parse_feed(RSS, "https://b.test/feed").entries[0]
    assert first.key == again.key != elsewhere.key


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "not a feed"),
        (b"<html><body>Not a feed</body></html>", "not a feed"),
        (b"\x00\x01binary\xff", "SAXParseException"),
        (
            b"<?xml version='1.0'?><rss version='2.0'><channel><title>Empty</title></channel></rss>",
            "no entries",
        ),
    ],
)
def test_feeds_without_entries_say_why(data, problem):
    feed = parse_feed(data, "https://wire.test/x")
    assert feed.entries == [] and problem in (feed.problem or "")


def test_a_truncated_feed_keeps_what_could_be_recovered():
    truncated = RSS[: RSS.index(b"<item><title>No link")]
    feed = parse_feed(truncated, "https://wire.test/x")
    assert [e.title for e in feed.entries] == ["Kenya & drought"]
    assert feed.problem  # malformed, and said so


def test_html_to_text():
    assert (
        html_to_text("<p>One</p><p>Two <a href='#'>link</a></p><br>Three")
        == "One\n\nTwo link\n\nThree"
    )
    assert html_to_text("plain   text") == "plain text"
    assert html_to_text("") == ""


def test_feed_config_validation(tmp_path):
    assert FeedConfig.from_dict("https://a.test/feed").url == "https://a.test/feed"
    config = FeedConfig.from_dict(
        {
            "url": "https://a.test/f",
            "name": " A ",
            "region": "Western Europe",
            "language": "fr",
            "poll_interval": 60,
        }
    )
    assert (config.name, config.region, config.language, config.poll_interval) == (
        "A",
        "western-europe",
        "fr",
        60.0,
    )
    for bad, message in [
        ({"name": "x"}, "needs a `url`"),
        ({"url": "u", "poll": 1}, "unknown feed keys"),
        ({"url": "u", "poll_interval": -1}, "positive"),
        (5, "a URL or a mapping"),
    ]:
        with pytest.raises(ValueError, match=message):
            FeedConfig.from_dict(bad)
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - https://a.test/one\n  - url: https://a.test/two\n    name: Two\n")
    assert [f.name for f in load_feeds_file(str(path))] == [None, "Two"]
    path.write_text("feeds: nope\n")
    with pytest.raises(ValueError, match="list under `feeds:`"):
        load_feeds_file(str(path))


def _entry(key: str) -> FeedEntry:
    return FeedEntry(key=key, feed_url="f", link=None, title=None, text="t", published_at=None)


def test_seen_entries_are_emitted_once_and_forgotten_after_the_expiry():
    state = FeedState()
    fresh, state = state.new_entries([_entry("a"), _entry("b")], now=100, expiry=1000)
    assert [e.key for e in fresh] == ["a", "b"]
    fresh, state = state.new_entries([_entry("a"), _entry("b"), _entry("c")], now=200, expiry=1000)
    assert [e.key for e in fresh] == ["c"]
    fresh, state = state.new_entries([_entry("c")], now=1150, expiry=1000)
    assert fresh == [] and set(state.seen) == {"c"}  # a and b expired: the state shrank


def test_seen_entries_are_capped():
    state = FeedState()
    _fresh, state = state.new_entries(
        [_entry(str(i)) for i in range(50)], now=1, expiry=10, max_seen=20
    )
    assert len(state.seen) == 20


def test_failures_back_off_exponentially_and_success_resets():
    state = FeedState().failed(now=0, interval=60)
    assert (state.failures, state.next_poll_at) == (1, 120)
    state = state.failed(now=120, interval=60)
    assert (state.failures, state.next_poll_at) == (2, 120 + 240)
    for _ in range(10):
        state = state.failed(now=0, interval=60, max_backoff=3600)
    assert state.next_poll_at == 3600
    state = state.polled(now=5000, interval=60, etag='"x"')
    assert (state.failures, state.next_poll_at, state.etag) == (0, 5060, '"x"')


def test_state_round_trips_through_json_values():
    state = FeedState(
        etag='"e"', last_modified="Mon", seen={"a": 1.5}, failures=2, next_poll_at=9.0
    )
    assert FeedState.from_dict(state.to_dict()) == state
    assert FeedState.from_dict(None) == FeedState()


def test_real_feeds_parse_with_every_file_accounted_for():
    """Every real feed gives entries, or an empty result with a stated problem."""
    roots = [
        SHARED / "data" / name
        for name in (
            "feeds_rss_parser_js",
            "feeds_feedjira_samples",
            "feeds_netnewswire",
            "feeds_miniflux_encoding",
        )
    ]
    suffixes = {".xml", ".rss", ".atom", ".rdf"}
    files = [
        p
        for root in roots
        if root.exists()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix.lower() in suffixes
    ]
    if not files:
        pytest.skip(f"the shared real feeds are absent ({SHARED / 'data'})")
    with_entries = 0
    for path in files:
        feed = parse_feed(path.read_bytes(), str(path))
        assert feed.entries or feed.problem, path
        with_entries += bool(feed.entries)
    print(f"{with_entries}/{len(files)} real feeds gave entries")
    assert with_entries / len(files) >= 0.85, f"{with_entries}/{len(files)} feeds gave entries"
