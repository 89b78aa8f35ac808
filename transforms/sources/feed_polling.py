"""One poll of one feed: conditional GET (or a local read), parse, and the entries not seen.

Pure of Beam: `read_feeds` calls `poll_feed` from its DoFns, once per run or on a timer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from newsbeam.transforms.sources.bounded_read import DECOMPRESSION_ERRORS, read_at_most
from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_parsing import FeedEntry, parse_feed
from newsbeam.transforms.sources.feed_state import FeedState
from newsbeam.transforms.sources.http import FetchError, HttpClient
from newsbeam.transforms.sources.local_files import NotARegularFileError

__all__ = ["PollOutcome", "poll_feed"]

_LOG = logging.getLogger(__name__)
_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of one feed gave: new entries, the next state, and any problem."""

    status: str  # fetched | not_modified | failed | not_due
    feed_title: str | None
    entries: list[FeedEntry]
    state: FeedState
    problem: tuple[str, str] | None = None  # (reason, detail) for a rejects row
    entries_seen: int = 0  # entries the feed document listed, new or not


def poll_feed(
    client: HttpClient,
    feed: FeedConfig,
    state: FeedState,
    now: float,
    interval: float,
    expiry: float,
    max_bytes: int,
) -> PollOutcome:
    """Fetches a feed (conditional GET for URLs) and keeps the entries not seen before."""
    if now < state.next_poll_at:
        return PollOutcome("not_due", None, [], state)
    try:
        if feed.is_remote:
            response = client.get(feed.url, state.etag, state.last_modified, accept=_FEED_ACCEPT)
            if response.not_modified:
                return PollOutcome("not_modified", None, [], state.polled(now, interval))
            body, etag, modified = response.body, response.etag, response.last_modified
            content_type = response.content_type
        else:
            body, etag, modified, content_type = _read_local(feed.url, max_bytes), None, None, None
    except FetchError as error:
        return PollOutcome(
            "failed", None, [], state.failed(now, interval), (f"feed_{error.reason}", error.detail)
        )
    parsed = parse_feed(body, feed.url, content_type)
    if not parsed.entries:
        reason = "feed_empty" if parsed.problem == "no entries" else "feed_unparseable"
        return PollOutcome(
            "failed",
            parsed.title,
            [],
            state.failed(now, interval),
            (reason, parsed.problem or "no entries"),
        )
    fresh, remembered = state.new_entries(parsed.entries, now, expiry)
    return PollOutcome(
        "fetched",
        parsed.title,
        fresh,
        remembered.polled(now, interval, etag, modified),
        entries_seen=len(parsed.entries),
    )


def _read_local(path: str, max_bytes: int) -> bytes:
    """A feed file's bytes, decompressed by its extension and bounded like a file input.
    A local path must be a regular file: a FIFO would block the poll forever."""
    try:
        data = read_at_most(path, max_bytes)
    except NotARegularFileError as error:
        raise FetchError("not_a_regular_file", str(error)) from None
    except DECOMPRESSION_ERRORS as error:
        raise FetchError("unreadable", str(error)[:300]) from None
    if len(data) > max_bytes:
        raise FetchError("too_large", f"over {max_bytes} bytes")
    return data


def entry_element(feed: FeedConfig, feed_title: str | None, entry: FeedEntry) -> dict:
    """An entry with its feed's metadata: what `FetchArticles` turns into an article."""
    return {"feed": feed, "feed_title": feed_title, "entry": entry}
