"""Feeds: their configuration, their parsing, and what is remembered between polls.

Pure code, no Beam: `transforms.poll` wraps it. feedparser never raises on bad input; it
sets `bozo` and keeps what it could recover. We are as forgiving: a feed with entries is
used however malformed, and a feed without any is reported with feedparser's reason.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime

import feedparser
import lxml.html

from transforms.slugs import slugify
from transforms.urls import canonical_url, strip_credentials

__all__ = [
    "FeedConfig",
    "FeedEntry",
    "FeedState",
    "ParsedFeed",
    "html_to_text",
    "load_feeds_file",
    "parse_feed",
]

_FEED_KEYS = frozenset({"url", "name", "region", "language", "poll_interval"})
_BLOCKS = re.compile(r"</?(?:p|div|br|li|h[1-6]|blockquote|tr|section|article)\b[^>]*>", re.I)


@dataclass(frozen=True)
class FeedConfig:
    """One feed to read: a URL or a local file, with optional metadata for its articles."""

    url: str
    name: str | None = None
    region: str | None = None
    language: str | None = None
    poll_interval: float | None = None

    @classmethod
    def from_dict(cls, item: Mapping | str) -> FeedConfig:
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, Mapping):
            raise ValueError(f"a feed must be a URL or a mapping with `url`, not {item!r}")
        unknown = set(item) - _FEED_KEYS
        if unknown:
            raise ValueError(f"unknown feed keys {sorted(unknown)}; allowed: {sorted(_FEED_KEYS)}")
        url = item.get("url")
        if not isinstance(url, str) or not url.strip():
            raise ValueError(f"a feed needs a `url`: {dict(item)!r}")
        interval = item.get("poll_interval")
        if interval is not None and (not isinstance(interval, int | float) or interval <= 0):
            raise ValueError(f"poll_interval of {url} must be a positive number of seconds")
        region = item.get("region")
        return cls(
            url=url.strip(),
            name=_optional_text(item.get("name")),
            region=slugify(region) if region else None,
            language=_optional_text(item.get("language")),
            poll_interval=float(interval) if interval is not None else None,
        )

    @property
    def is_remote(self) -> bool:
        return self.url.startswith(("http://", "https://"))

    @property
    def key(self) -> str:
        """A short stable name for files that hold this feed's state."""
        return hashlib.sha256(self.url.encode()).hexdigest()[:20]


def load_feeds_file(path: str) -> list[FeedConfig]:
    """Reads `feeds: [{url: ..., name: ..., region: ..., language: ..., poll_interval: ...}]`."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        try:
            document = yaml.safe_load(handle)
        except yaml.YAMLError as error:
            raise ValueError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("feeds"), list):
        raise ValueError(f"{path} must hold a list under `feeds:`")
    feeds = [FeedConfig.from_dict(item) for item in document["feeds"]]
    if not feeds:
        raise ValueError(f"{path} lists no feeds")
    return feeds


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, as plain values."""

    key: str
    feed_url: str
    link: str | None
    title: str | None
    text: str
    published_at: datetime | None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[FeedEntry]
    problem: str | None  # why the feed gave nothing, or what was malformed


def parse_feed(data: bytes, feed_url: str, content_type: str | None = None) -> ParsedFeed:
    """Entries of a feed document; never raises on malformed input."""
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True)
    problem = None
    if parsed.get("bozo"):
        problem = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"
    entries = []
    for raw in parsed.entries:
        entry = _entry(raw, feed_url)
        if entry is not None:
            entries.append(entry)
    if not entries and problem is None:
        problem = "no entries" if parsed.get("version") else "not a feed (no RSS or Atom root)"
    return ParsedFeed(_optional_text(parsed.feed.get("title")), entries, problem)


def _entry(raw: Mapping, feed_url: str) -> FeedEntry | None:
    link = raw.get("link") if str(raw.get("link", "")).startswith(("http://", "https://")) else None
    contents = raw.get("content") or []
    html = max((c.get("value", "") for c in contents), key=len, default="") or raw.get(
        "summary", ""
    )
    text = html_to_text(html)
    title = html_to_text(raw.get("title", "")) or None
    if not (link or text):
        return None
    identity = raw.get("id") or canonical_url(link) or f"{title}\n{text[:500]}"
    # dict.get: feedparser's own lookup maps a missing `published` to `updated` with a warning.
    published = dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")
    return FeedEntry(
        key=hashlib.sha256(f"{feed_url}\n{identity}".encode()).hexdigest()[:32],
        feed_url=feed_url,
        link=strip_credentials(link),
        title=title,
        text=text,
        published_at=datetime.fromtimestamp(calendar.timegm(published), UTC) if published else None,
        authors=tuple(
            a["name"].strip() for a in raw.get("authors") or [] if a.get("name", "").strip()
        ),
        tags=tuple(
            t["term"].strip() for t in raw.get("tags") or [] if (t.get("term") or "").strip()
        ),
    )


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, block elements as paragraph breaks."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return " ".join(fragment.split())
    try:
        root = lxml.html.fragment_fromstring(_BLOCKS.sub("\n\n", fragment), create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    paragraphs = (" ".join(p.split()) for p in root.text_content().split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


@dataclass(frozen=True)
class FeedState:
    """What is remembered of one feed between polls.

    `seen` maps entry keys to the epoch second they were first seen; entries older than the
    expiry, and the oldest beyond `max_seen`, are forgotten, so the state is bounded even
    for a feed that never repeats an entry. `failures` drives exponential backoff.
    """

    etag: str | None = None
    last_modified: str | None = None
    seen: dict[str, float] = field(default_factory=dict)
    failures: int = 0
    next_poll_at: float = 0.0

    def new_entries(
        self, entries: Iterable[FeedEntry], now: float, expiry: float, max_seen: int = 10_000
    ) -> tuple[list[FeedEntry], FeedState]:
        """The entries not seen before, and the state that remembers them too."""
        seen = {key: when for key, when in self.seen.items() if now - when <= expiry}
        fresh = []
        for entry in entries:
            if entry.key not in seen:
                seen[entry.key] = now
                fresh.append(entry)
        if len(seen) > max_seen:
            seen = dict(sorted(seen.items(), key=lambda item: item[1])[-max_seen:])
        return fresh, replace(self, seen=seen)

    def polled(self, now: float, interval: float, etag=None, last_modified=None) -> FeedState:
        return replace(
            self,
            etag=etag or self.etag,
            last_modified=last_modified or self.last_modified,
            failures=0,
            next_poll_at=now + interval,
        )

    def failed(self, now: float, interval: float, max_backoff: float = 3600.0) -> FeedState:
        """Backs off exponentially: 2, 4, 8... poll intervals, capped at `max_backoff`."""
        failures = self.failures + 1
        delay = min(interval * (2**failures), max(max_backoff, interval))
        return replace(self, failures=failures, next_poll_at=now + delay)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping | None) -> FeedState:
        if not data:
            return cls()
        return cls(
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
            seen={str(k): float(v) for k, v in (data.get("seen") or {}).items()},
            failures=int(data.get("failures", 0)),
            next_poll_at=float(data.get("next_poll_at", 0.0)),
        )


def _optional_text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
