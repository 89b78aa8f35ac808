"""The product bugs the fault runs found, each pinned by a quick test of the code at fault.

- A server that sends a byte now and then got past the deadline (transforms/http.py): a
  body with a Content-Length, since a read waits for a whole 64 KiB chunk and the clock was
  only checked between chunks; and headers, which no deadline covered at all.
- A feed whose declared encoding lies became mojibake: feedparser trusts the declaration
  and falls back to windows-1252 (transforms/sources/feed_parsing.py).
- A binary article page failed the whole job with UndecodableError (transforms/sources/fetch_articles.py).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_parsing import parse_feed
from newsbeam.transforms.sources.feed_polling import entry_element
from newsbeam.transforms.sources.fetch_articles import article_from_entry
from newsbeam.transforms.sources.http import FetchError, HttpClient, HttpPolicy
from tests.support.faults import RUSSIAN, binary_body, feed_xml, item, story
from tests.support.local_server import LocalServer, Reply

TITLE, TEXT = RUSSIAN["buses"]


DRIP = dict(chunk_size=16, chunk_delay=0.5)  # 32 bytes a second: 64 KiB in half an hour
DRIPS = {
    # A read waits for a whole 64 KiB chunk of a body with a length: no look at the clock.
    "body with a length": Reply(200, b"x" * 200_000, **DRIP),
    # Without a length the body ends when the connection does: cut, it looked complete.
    "body up to the close": Reply(200, b"x" * 200_000, content_length=False, **DRIP),
    # Headers come before any body: each byte resets the read timeout, and nothing else.
    "endless headers": Reply(200, header_drip=0.5),
}


@pytest.mark.parametrize("reply", DRIPS.values(), ids=DRIPS.keys())
def test_the_deadline_holds_however_slowly_a_server_sends(server: LocalServer, reply: Reply):
    """Each byte comes well within the read timeout, and yet the request ends at the
    deadline, as a timeout. It runs in a daemon thread: a regression fails, not hangs."""
    server.routes["/drip"] = reply
    policy = HttpPolicy(
        allow_private_networks=True,
        respect_robots=False,
        min_host_interval=0.0,
        max_retries=0,
        read_timeout=1.0,
        deadline=2.0,
    )
    outcome: list[object] = []

    def fetch() -> None:
        try:
            outcome.append(HttpClient(policy).get(server.url("/drip")))
        except FetchError as error:
            outcome.append(error)

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(policy.deadline + 3.0)
    assert outcome, "still reading 3 s after the deadline"
    (error,) = outcome
    assert isinstance(error, FetchError), f"a cut answer passed for a whole one: {error}"
    assert error.reason == "timeout" and error.transient


def _feed(declaration: str) -> str:
    return feed_xml("Лента", [item(TITLE, "https://wire.test/ru", TEXT)], declaration)


UTF8, CP1251 = (
    "<?xml version='1.0' encoding='utf-8'?>",
    "<?xml version='1.0' encoding='windows-1251'?>",
)
PLAIN = "<?xml version='1.0'?>"
ENCODINGS = {
    # The header or the declaration says UTF-8 (or nothing); the bytes are windows-1251.
    "both say utf-8": (_feed(UTF8).encode("cp1251"), "text/xml; charset=utf-8"),
    "rss type, no charset": (_feed(PLAIN).encode("cp1251"), "application/rss+xml"),
    "local file, no declaration": (_feed(PLAIN).encode("cp1251"), None),
    # They say windows-1251; the bytes are UTF-8.
    "both say windows-1251": (
        _feed(CP1251).encode(),
        "application/rss+xml; charset=windows-1251",
    ),
    "local file says windows-1251": (_feed(CP1251).encode(), None),
    "text/xml means ASCII": (_feed(PLAIN).encode(), "text/xml"),
    # Declared right, whatever the header says: still right.
    "declared windows-1251": (_feed(CP1251).encode("cp1251"), "application/xml; charset=utf-8"),
    "local windows-1251": (_feed(CP1251).encode("cp1251"), None),
}


@pytest.mark.parametrize(("data", "content_type"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_a_feed_in_another_encoding_than_declared_gives_the_real_text(data, content_type):
    (entry,) = parse_feed(data, "https://wire.test/ru.xml", content_type).entries
    assert (entry.title, entry.text) == (TITLE, TEXT)


def test_a_binary_article_page_leaves_the_feed_text():
    """The page's bytes are not text: the page has no main text, as the README says."""
    feed = FeedConfig("https://wire.test/feed.xml", name="Wire")
    (entry,) = parse_feed(
        feed_xml("Wire", [item("Kenya", "https://wire.test/kenya", story("kenya-water"))]).encode(),
        feed.url,
    ).entries
    now = datetime.now(UTC)
    record = article_from_entry(entry_element(feed, "Wire", entry), binary_body(), entry.link, now)
    assert (record["text"], record["text_source"]) == (story("kenya-water"), "feed")
    bare = entry_element(feed, "Wire", replace(entry, text=""))
    assert article_from_entry(bare, binary_body(), entry.link, now) is None  # -> no_text
