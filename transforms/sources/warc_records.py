"""Web archive (WARC) files to raw article records, one record at a time.

A crawl's WARC file (Common Crawl's CC-NEWS publishes a day of news pages as ~1 GB of
them) holds, per page fetched, a `response` record (the HTTP status, headers and body)
beside `request`, `metadata` and `warcinfo` records. Each response that carries an HTML
page becomes one input:

- its URL is the record's `WARC-Target-URI`, stored and canonicalised as every other URL,
  so the page read from an archive and the same page linked from a live feed get one id;
- its `input` is `file.warc.gz#offset`, the byte offset of its record;
- the record's `WARC-Date` stands in when the page has no date (`date_source` `archive`).

Every other record is skipped and counted by why (`SKIPPED`: `warc_request`,
`warc_metadata`, `warc_redirect`, `warc_http_error`, `warc_not_html`, `warc_not_http`,
`host_not_included`, ...), never read as an article and never lost from the count. A
record cut short (a truncated file, a gzip member that ends early) and bytes that are no
record are rejects naming their offset, not a crashed run; reading resumes at the next
record. A large file can be read in ranges, one reader each (`start`, `end`).

Read with warcio (chosen over fastwarc in `bench/warc.py`: the reading is a small share
of a page's cost either way, and warcio reports a record cut short), streaming: one
record's page in memory at a time, bounded by `max_page_bytes`, however large the file.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsbeam.transforms.sources.archive_filter import ArchiveFilter
from newsbeam.transforms.sources.article_files import ARTICLE, REJECT, html_record

__all__ = ["SKIPPED", "next_record_start", "warc_records"]

SKIPPED = "skipped"
"""The kind of a record that is no input: its value is the reason it was skipped."""

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_KNOWN_TYPES = frozenset(
    {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion",
     "continuation"}
)  # fmt: skip
_GZIP_MAGIC = b"\x1f\x8b\x08"
_PLAIN_MARKER = b"WARC/1."
_SCAN_BYTES = 1 << 20
_HEAD_BYTES = 4096
_DRAIN_BYTES = 1 << 16
_ONE_GZIP_STREAM = "non-chunked gzip"
"""warcio's words for a `.warc.gz` compressed as one stream instead of a member a record."""


def warc_records(
    stream: BinaryIO,
    name: str,
    ingested_at: datetime,
    max_page_bytes: int,
    keep: ArchiveFilter | None = None,
    start: int = 0,
    end: int | None = None,
) -> Iterator[tuple[str, object]]:
    """`(ARTICLE, record)`, `(REJECT, (reason, detail, input))` or `(SKIPPED, reason)` for
    each record of one WARC file (gzipped or not) that starts in `[start, end)` (`end`
    None: to the end of the file); `stream` must be seekable when `start` is not 0 or a
    record is broken.

    Reading a file in ranges gives what reading it whole gives: a range begins at the first
    record that starts in it, and reads on past its end to finish that record. Bytes that
    are no record are a reject, and reading resumes at the next record after them.
    `keep`: which pages to read of a crawl of everything (hosts, URLs, languages); the
    others are skipped as early as their rule allows (`ArchiveFilter`).
    """
    position = next_record_start(stream, start, end)
    while position is not None and (end is None or position < end):
        broken_at = yield from _records_from(
            stream, position, end, name, ingested_at, max_page_bytes, keep
        )
        if broken_at is None:
            return
        position = next_record_start(stream, max(broken_at, position) + 1, end)


def next_record_start(stream: BinaryIO, position: int, end: int | None = None) -> int | None:
    """The offset of the first record starting in `[position, end)`: a gzip member whose
    first bytes inflate to a WARC header, or a `WARC/1.0` (or 1.1) header whose length
    leads to the next record or the end of the file. None when no record starts there (a
    record starting at `end` or later is the next range's)."""
    stream.seek(0)
    gzipped = stream.read(2) == _GZIP_MAGIC[:2]
    if position == 0:
        return 0
    marker = _GZIP_MAGIC if gzipped else _PLAIN_MARKER
    stream.seek(position)
    base = position
    window = b""
    while end is None or base < end:
        chunk = stream.read(_SCAN_BYTES)
        if not chunk:
            return None
        window += chunk
        found = window.find(marker)
        while found >= 0:
            candidate = base + found
            if end is not None and candidate >= end:
                return None
            if _starts_a_record(stream, candidate, gzipped):
                return candidate
            found = window.find(marker, found + 1)
        kept = len(marker) - 1
        base += len(window) - kept
        window = window[-kept:]
        stream.seek(base + kept)
    return None


def _starts_a_record(stream: BinaryIO, offset: int, gzipped: bool) -> bool:
    here = stream.tell()
    try:
        stream.seek(offset)
        head = stream.read(_HEAD_BYTES)
        if gzipped:
            try:
                return zlib.decompressobj(31).decompress(head, 16).startswith(b"WARC/")
            except zlib.error:
                return False
        return _plain_header_leads_on(stream, offset, head)
    finally:
        stream.seek(here)


def _plain_header_leads_on(stream: BinaryIO, offset: int, head: bytes) -> bool:
    """A `WARC/1.x` line starts a record when its header block is whole and its
    Content-Length ends at a blank line followed by another record or the end of the file
    (a page that quotes a WARC header in its text does not)."""
    if not head.startswith((b"WARC/1.0\r\n", b"WARC/1.1\r\n")):
        return False
    header_end = head.find(b"\r\n\r\n")
    if header_end < 0:
        return False
    lengths = [
        line.split(b":", 1)[1].strip()
        for line in head[:header_end].split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    ]
    if len(lengths) != 1 or not lengths[0].isdigit():
        return False
    after = offset + header_end + 4 + int(lengths[0])
    stream.seek(after)
    following = stream.read(4 + len(_PLAIN_MARKER))
    return following in (b"", b"\r\n\r\n") or following == b"\r\n\r\n" + _PLAIN_MARKER


def _records_from(stream, base, end, name, ingested_at, max_page_bytes, keep):
    """Reads records from the one starting at `base` until one starts at `end` or later,
    or the file ends; returns None then, or the offset where the bytes stopped parsing."""
    stream.seek(base)
    counted = _CountingReader(stream)
    records = ArchiveIterator(counted)
    try:
        for record in records:
            if end is not None and base + records.offset >= end:
                return None
            if record.format != "warc" or record.rec_type not in _KNOWN_TYPES:
                # warcio takes a line of five words for an ARC record and reads on by
                # its "length", and a header cut short for a record of no known type.
                kind = record.rec_type if record.format == "warc" else record.format
                raise ArchiveLoadFailed(f"a record that is no WARC record ({kind})")
            if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
                # Every WARC record says its length; a header block cut short does not.
                raise ArchiveLoadFailed("a WARC header without Content-Length")
            yield from _one_record(record, records, base, name, ingested_at, max_page_bytes, keep)
    except Exception as error:  # noqa: BLE001 - any parser error on untrusted bytes is a reject
        broken_at = base + records.offset
        if _ONE_GZIP_STREAM in str(error):
            detail = (
                "the file is one gzip stream, not a gzip member per record: "
                "`warcio recompress FILE NEW` makes it readable"
            )
            yield REJECT, ("warc_one_gzip_stream", detail, f"{name}#{broken_at}")
            return None
        detail = " ".join(f"no WARC record here ({type(error).__name__}: {error})".split())
        detail += "; reading resumes at the next record"
        yield REJECT, ("warc_unreadable", detail, f"{name}#{broken_at}")
        return broken_at
    counted.read_rest()
    if records.offset < counted.consumed:
        # warcio ends quietly at a gzip member cut short: what follows the last whole
        # record is a record that did not arrive whole.
        detail = f"{counted.consumed - records.offset} bytes after the last whole record"
        yield REJECT, ("warc_truncated", detail, f"{name}#{base + records.offset}")
    return None


def _one_record(record, records, base, name, ingested_at, max_page_bytes, keep):
    """One record: read to its end before anything is decided, so that a record cut short
    is a reject whatever it held, never a skip."""
    skipped = _skip_reason(record, keep)
    page = b""
    if skipped is None:
        page = record.content_stream().read(max_page_bytes + 1)
    while record.raw_stream.read(_DRAIN_BYTES):  # the rest, unkept: memory stays bounded
        pass
    input_ref = f"{name}#{base + records.get_record_offset()}"
    if record.raw_stream.limit > 0:
        detail = f"{record.raw_stream.limit} bytes of the record missing (file cut short)"
        yield REJECT, ("warc_truncated", detail, input_ref)
        return
    if skipped is not None:
        yield SKIPPED, skipped
        return
    if len(page) > max_page_bytes:
        detail = f"larger than --max-page-bytes={max_page_bytes}"
        yield REJECT, ("page_too_large", detail, input_ref)
        return
    if not record.http_headers.get_header("Content-Type") and b"<html" not in page[:2048].lower():
        yield SKIPPED, "warc_not_html"
        return
    content_language = record.http_headers.get_header("Content-Language")
    left_out = keep.before_extraction(page, content_language) if keep else None
    if left_out:
        yield SKIPPED, left_out
        return
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    found = html_record(input_ref, page, ingested_at, url=target, archived_at=_warc_date(record))
    for kind, value in found:
        if kind == ARTICLE and keep:
            left_out = keep.after_extraction(value, page, content_language)
            if left_out:
                yield SKIPPED, left_out
                continue
        yield kind, value


def _skip_reason(record, keep: ArchiveFilter | None) -> str | None:
    """Why a record is no input, from its headers alone; None for an HTML page to read."""
    if record.rec_type != "response":
        return f"warc_{record.rec_type}"
    if record.http_headers is None:
        return "warc_not_http"
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    left_out = keep.before_reading(target) if keep else None
    if left_out:
        return left_out
    status = record.http_headers.get_statuscode() or ""
    if status.startswith("3"):
        return "warc_redirect"
    if status != "200":
        return "warc_http_error"
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if content_type and not content_type.startswith(_HTML_TYPES):
        return "warc_not_html"
    return None


def _warc_date(record) -> datetime | None:
    value = record.rec_headers.get_header("WARC-Date")
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class _CountingReader:
    """A binary stream that counts the bytes read through it (its size, once read to the
    end), for telling a file that ended inside a record. It has no `tell`, so warcio counts
    offsets from where it starts reading (`base` above)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.consumed += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self.consumed += len(data)
        return data

    def read_rest(self) -> None:
        while self.read(1 << 20):
            pass
