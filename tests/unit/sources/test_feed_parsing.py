"""Feed parsing: RSS, Atom and RDF entries with their metadata; a broken feed says why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbeam.transforms.sources.feed_parsing import html_to_text, parse_feed

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
    # The entry with neither an http(s) link nor text is kept: the fetch stage rejects it.
    assert [e.title for e in feed.entries] == ["Kenya & drought", "No link, text only", None]
    kenya, text_only, empty = feed.entries
    assert empty.link is None and empty.text == "" and len({e.key for e in feed.entries}) == 3
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


def test_character_references_are_decoded_in_summaries_without_tags():
    """A real German feed's summaries are HTML without a tag: "Bj&ouml;rn Paulsen" must
    read "Björn Paulsen", or a search for the name misses the article."""
    assert html_to_text("Bj&ouml;rn Paulsen &uuml;bernimmt &bdquo;Kicker&ldquo;") == (
        "Björn Paulsen übernimmt „Kicker“"
    )
    assert html_to_text("It&#8217;s AT&amp;T &amp; R&amp;D") == "It’s AT&T & R&D"
    assert html_to_text("&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;") == "One\n\nTwo"
    assert html_to_text("AT&T 3 < 4") == "AT&T 3 < 4"
    # Escaped text that is no HTML stays: a chat quote's speaker (a real Russian feed).
    assert html_to_text("&lt;dsmirnov&gt; на супермикро") == "<dsmirnov> на супермикро"


def test_a_feed_entry_with_references_and_no_tags_has_them_decoded():
    feed = parse_feed(
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title><item>"
        b"<title>Transfer</title><link>https://club.test/a</link>"
        b"<description>Bj&amp;ouml;rn Paulsen wechselt, sagt der &amp;bdquo;Kicker&amp;ldquo;."
        b"</description></item></channel></rss>",
        "https://club.test/feed",
    )
    assert feed.entries[0].text == "Björn Paulsen wechselt, sagt der „Kicker“."


def test_entries_sharing_a_guid_are_told_apart_and_copies_are_all_kept():
    items = "".join(
        f"<item><title>{title}</title><link>https://wire.test/{slug}</link>"
        f"<guid isPermaLink='false'>same</guid><description>{title} text.</description></item>"
        for slug, title in (("a", "One"), ("b", "Two"), ("b", "Two"))
    )
    feed = parse_feed(
        f"<rss version='2.0'><channel><title>W</title>{items}</channel></rss>".encode(),
        "https://wire.test/feed",
    )
    keys = [entry.key for entry in feed.entries]
    # Two distinct items, and one item listed twice: three entries, three inputs, each
    # under a key of its own (a shared key made one row of two inputs), the same on every
    # read of the same document.
    assert len(set(keys)) == 3
    again = parse_feed(
        f"<rss version='2.0'><channel><title>W</title>{items}</channel></rss>".encode(),
        "https://wire.test/feed",
    )
    assert [entry.key for entry in again.entries] == keys


def test_portuguese_feed_dates_are_read_not_replaced_by_ingestion():
    """Repro: UOL writes "Seg, 24 Set 2018 19:42:40 -0300"; feedparser reads no date from it."""
    rss = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>UOL</title>'
        b"<item><title>Chuva em S\xc3\xa3o Paulo</title><link>https://uol.example/a</link>"
        b"<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate></item></channel></rss>"
    )
    (entry,) = parse_feed(rss, "https://uol.example/feed").entries
    assert entry.published_at == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)


def test_a_feed_date_without_a_time_gives_the_day_and_no_instant():
    """ "Mon, 03 Mar 2025" and "2025-03-05" state a day: feedparser reads them as midnight
    UTC, an instant no publisher gave. The row has the day and `published_at` null, as a
    text file's header `date 2025-03-04` does; a written midnight stays an instant."""
    from newsbeam.transforms.sources.article_files import raw_record

    items = "".join(
        f"<item><title>{n}</title><link>https://wire.example/{n}</link>{when}</item>"
        for n, when in (
            ("a", "<pubDate>Mon, 03 Mar 2025</pubDate>"),
            ("b", "<dc:date>2025-03-05</dc:date>"),
            ("c", "<pubDate>Seg, 24 Set 2018</pubDate>"),  # read by newsbeam, not feedparser
            ("d", "<pubDate>Mon, 03 Mar 2025 00:00:00 GMT</pubDate>"),
            ("e", "<dc:date>2025-03</dc:date>"),  # no day: feedparser's 1 March is invented
        )
    )
    feed = parse_feed(
        f"<rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'><channel>"
        f"<title>Wire</title>{items}</channel></rss>".encode(),
        "https://wire.example/feed",
    )
    rows = [
        raw_record(
            entry.link,
            text="t",
            ingested_at=datetime(2025, 3, 6, tzinfo=UTC),
            published=entry.published_at,
            date_source="feed",
        )
        for entry in feed.entries
    ]
    assert [(row["published_at"], row["date"].isoformat()) for row in rows] == [
        (None, "2025-03-03"),
        (None, "2025-03-05"),
        (None, "2018-09-24"),
        (datetime(2025, 3, 3, tzinfo=UTC), "2025-03-03"),
        (None, "2025-03-06"),  # the ingestion day, `date_source` ingested
    ]
    assert [row["date_source"] for row in rows][-1] == "ingested"


def test_a_feed_entry_is_dated_the_publisher_s_day_not_the_utc_one():
    """21:30 in São Paulo is already tomorrow in UTC: the instant is the same, the article's
    day is the one the feed wrote (for a date feedparser reads and for one it cannot)."""
    from newsbeam.transforms.sources.article_files import raw_record

    items = "".join(
        f"<item><title>{n}</title><link>https://uol.example/{n}</link>"
        f"<pubDate>{written}</pubDate></item>"
        for n, written in (
            ("a", "Mon, 24 Sep 2018 21:30:00 -0300"),
            ("b", "Seg, 24 Set 2018 21:30:00 -0300"),
            ("c", "2018-09-24T21:30:00.250-03:00"),  # fractions feedparser drops
        )
    )
    feed = parse_feed(
        f"<rss version='2.0'><channel><title>UOL</title>{items}</channel></rss>".encode(),
        "https://uol.example/feed",
    )
    for entry in feed.entries:
        record = raw_record(
            entry.link,
            text="t",
            ingested_at=datetime(2018, 9, 26, tzinfo=UTC),
            published=entry.published_at,
            date_source="feed",
        )
        assert record["published_at"] == datetime(2018, 9, 25, 0, 30, tzinfo=UTC)
        assert record["date"].isoformat() == "2018-09-24"
