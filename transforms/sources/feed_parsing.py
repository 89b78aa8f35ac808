"""Feed documents to entries: RSS 0.9x–2.0, RSS 1.0 and Atom, in the encodings feeds use.

Pure code, no Beam: `feed_polling` calls it. feedparser never raises on bad input; it
sets `bozo` and keeps what it could recover. We are as forgiving: a feed with entries is
used however malformed, and a feed without any is reported with feedparser's reason.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import html
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import feedparser
import lxml.html

from newsbeam.transforms.sources.dates import parse_instant
from newsbeam.transforms.sources.feed_config import optional_text
from newsbeam.transforms.sources.redact import redact
from newsbeam.transforms.sources.text_decoding import UndecodableError, decode_text
from newsbeam.transforms.sources.urls import canonical_url, strip_credentials
from newsbeam.transforms.sources.written_dates import CJK_DAY, parse_written_date

__all__ = ["FeedEntry", "ParsedFeed", "html_to_text", "parse_feed"]

_HTML_TAG = re.compile(
    r"</?(?:p|br|a|b|i|em|strong|span|div|img|ul|ol|li|h[1-6]|blockquote|figure|table)\b[^>]*>",
    re.I,
)
"""Tags of HTML, which a fragment escaped once more than it needs holds."""
_BLOCKS = re.compile(r"</?(?:p|div|br|li|h[1-6]|blockquote|tr|section|article)\b[^>]*>", re.I)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_XML_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z0-9._:-]*)\2""")
_WORDS = re.compile(r"[^\W\d_]+")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_NO_DAY = re.compile(r"\s*\d{4}(?:-\d{2})?\s*")
_CHARSET = re.compile(r"""\bcharset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, as plain values."""

    key: str
    feed_url: str
    link: str | None
    title: str | None
    text: str
    published_at: datetime | date | None
    """An instant; a day alone when the feed wrote no time ("Mon, 03 Mar 2025")."""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[FeedEntry]
    problem: str | None  # why the feed gave nothing, or what was malformed


def parse_feed(data: bytes, feed_url: str, content_type: str | None = None) -> ParsedFeed:
    """Entries of a feed document; never raises on malformed input."""
    data, content_type = _as_declared_utf8(data, content_type)
    headers = {"content-type": content_type} if content_type else {}
    try:
        parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True)
    except Exception as error:  # its fallback parser raises on e.g. `&#xD800;` or `&#1114112;`
        return ParsedFeed(None, [], f"{type(error).__name__}: {error}")
    problem = None
    if parsed.get("bozo"):
        problem = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"
    entries = _distinct_keys([_entry(raw, feed_url) for raw in parsed.entries])
    if not entries and problem is None:
        problem = "no entries" if parsed.get("version") else "not a feed (no RSS or Atom root)"
    return ParsedFeed(optional_text(parsed.feed.get("title")), entries, problem)


def _as_declared_utf8(data: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """The feed's bytes and Content-Type, re-encoded as UTF-8 when its declarations lie.

    Servers and feeds often declare one encoding and send another. feedparser believes the
    declaration, and when the bytes do not fit it it falls back to windows-1252: Cyrillic
    becomes "Íîâîñòè". So bytes that are valid UTF-8 are taken as UTF-8 whatever is declared
    (text in another encoding almost never is), and bytes that are not, when nothing but
    UTF-8 is declared, are decoded by charset detection. Otherwise a declared encoding is
    trusted, and feedparser applies it. Both the header and the XML declaration are made to
    say UTF-8, since which of them feedparser believes depends on the media type.
    """
    if data.isascii() or data.startswith(_BOMS):
        return data, content_type
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        if any(not _is_utf8(name) for name in _declared_encodings(data, content_type)):
            return data, content_type  # a declared encoding that is not UTF-8: feedparser's
        try:
            data = _decode_misdeclared(data).encode("utf-8")
        except UndecodableError:
            return data, content_type  # binary: feedparser says it is not a feed
    data = _XML_ENCODING.sub(rb"\1\2utf-8\2", data, count=1)
    if content_type:
        content_type = content_type.split(";", 1)[0].strip() + "; charset=utf-8"
    return data, content_type


def _decode_misdeclared(data: bytes) -> str:
    """Text of bytes that are not the UTF-8 declared (or assumed, with no declaration).

    Read as windows-1252 (the web's usual mislabel), Western text has its accented letters
    inside ASCII words ("déjà"); Cyrillic or Greek comes out as words made only of them
    ("Íîâîñòè"), and is then left to charset detection, which tells those scripts apart
    better than it tells one Latin code page from another.
    """
    if b"\x00" in data:  # UTF-16 or UTF-32 without a BOM
        return decode_text(data)
    western = data.decode("cp1252", errors="replace")
    words = [w for w in _WORDS.findall(western) if not w.isascii()]
    foreign = sum(1 for w in words if len(w) >= 3 and not any(c.isascii() for c in w))
    if not words or foreign * 2 < len(words):
        return western
    return decode_text(data)


def _declared_encodings(data: bytes, content_type: str | None) -> list[str]:
    declared = [m.group(1) for m in [_CHARSET.search(content_type or "")] if m]
    declared += [m.group(3).decode("ascii") for m in [_XML_ENCODING.match(data[:1024])] if m]
    return [name for name in declared if _known_encoding(name)]


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _is_utf8(name: str) -> bool:
    return codecs.lookup(name).name == "utf-8"


def _distinct_keys(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Every entry of the document, each distinct item under a key of its own.

    An entry's key is its feed and GUID (else its link, else its title and text). Some
    feed systems give every item one GUID, or list items by a shared link: such entries
    are told apart by their link, title and text, so that none is taken for another.
    Entries the same in all of these are one item listed twice: both are kept, each an
    input with a key of its own (the second numbered, in document order), and the second
    becomes a duplicate of the first downstream (or a second reject).
    """
    counts = Counter(entry.key for entry in entries)
    told_apart = [
        replace(entry, key=_key(entry.key, entry.link or "", entry.title or "", entry.text[:500]))
        if counts[entry.key] > 1
        else entry
        for entry in entries
    ]
    seen: Counter[str] = Counter()
    numbered = []
    for entry in told_apart:
        seen[entry.key] += 1
        repeat = seen[entry.key]
        numbered.append(entry if repeat == 1 else replace(entry, key=_key(entry.key, str(repeat))))
    return numbered


def _key(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _entry(raw: Mapping, feed_url: str) -> FeedEntry:
    """One entry as plain values. An entry with neither an http(s) link nor text is kept
    too: it is an input, and the fetch stage rejects it (`no_text`) rather than losing it."""
    link = raw.get("link") if str(raw.get("link", "")).startswith(("http://", "https://")) else None
    contents = raw.get("content") or []
    html = max((c.get("value", "") for c in contents), key=len, default="") or raw.get(
        "summary", ""
    )
    text = html_to_text(html)
    title = html_to_text(raw.get("title", "")) or None
    # Redacted as what is stored is: a feed or link whose token was rotated keeps its entries.
    identity = redact(str(raw.get("id") or "")) or canonical_url(link) or f"{title}\n{text[:500]}"
    # dict.get: feedparser's own lookup maps a missing `published` to `updated` with a warning.
    published = dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")
    written = dict.get(raw, "published") or dict.get(raw, "updated")
    if isinstance(written, str) and CJK_DAY.search(written):
        published = None  # feedparser reads "2025年3月3日" as 1 November 2025
    return FeedEntry(
        key=_key(redact(feed_url), identity),
        feed_url=feed_url,
        link=strip_credentials(link),
        title=title,
        text=text,
        published_at=(
            _as_written(datetime.fromtimestamp(calendar.timegm(published), UTC), written)
            if published
            else _written_date(written)
        ),
        authors=tuple(
            a["name"].strip() for a in raw.get("authors") or [] if a.get("name", "").strip()
        ),
        tags=tuple(
            t["term"].strip() for t in raw.get("tags") or [] if (t.get("term") or "").strip()
        ),
    )


def _as_written(instant: datetime, written: object) -> datetime | date | None:
    """The instant feedparser read, in the offset the feed wrote; or the day alone when the
    feed wrote no time, which feedparser reads as midnight UTC, an instant nobody gave; or
    none when it wrote no day either ("2025-03", "2025": feedparser makes them the 1st)."""
    if isinstance(written, str) and _NO_DAY.fullmatch(written):
        return None
    if isinstance(written, str) and not _CLOCK.search(written):
        return instant.date()
    return _with_written_offset(instant, written)


def _with_written_offset(instant: datetime, written: object) -> datetime:
    """The instant feedparser read (in UTC), in the offset the feed wrote it with, so that
    the article's `date` is the publisher's day ("Mon, 24 Sep 2018 22:00:00 -0300" is the
    24th, not the 25th)."""
    local = parse_instant(written) if isinstance(written, str) else None
    # feedparser drops fractions of a second ("22:00:00.001-03:00"): compared, and kept,
    # without them, so that the instant stays the one feedparser read.
    if local is None or local.tzinfo is None or local.replace(microsecond=0) != instant:
        return instant
    return local.replace(microsecond=0)


def _written_date(value: object) -> datetime | date | None:
    """A date feedparser could not read, such as "Seg, 24 Set 2018 10:00:00 -0300" from a
    Portuguese feed, read with the month names of many languages: an instant, or a day
    alone when no time is written; None stays unknown."""
    written = parse_written_date(value) if isinstance(value, str) else None
    if written is None or not isinstance(written, datetime):
        return written
    if not written.tzinfo:
        return written.replace(tzinfo=UTC)
    try:
        written.astimezone(UTC)
    except OverflowError:  # year 1 east of Greenwich: no instant, so no date
        return None
    return written


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, block elements as paragraph breaks, character references
    decoded: a summary without tags is HTML too ("Bj&ouml;rn", "&#8217;"), and a fragment
    escaped once more ("&lt;p&gt;") is read as the HTML it was, where what it escaped are
    tags of HTML; "&lt;dsmirnov&gt;" (a chat quote's speaker) stays as written."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        fragment = html.unescape(fragment)
        if not _HTML_TAG.search(fragment):
            return " ".join(fragment.split())
    try:
        root = lxml.html.fragment_fromstring(_BLOCKS.sub("\n\n", fragment), create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    paragraphs = (" ".join(p.split()) for p in root.text_content().split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)
