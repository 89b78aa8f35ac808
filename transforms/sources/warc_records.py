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
_PARSE_ERRORS = (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_PLAIN_MARKER = b"WARC/1."
_SCAN_BYTES = 1 << 20
_HEAD_BYTES = 4096


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
    position = next_record_start(stream, start)
    while position is not None and (end is None or position < end):
        broken_at = yield from _records_from(
            stream, position, end, name, ingested_at, max_page_bytes, keep
        )
        if broken_at is None:
            return
        position = next_record_start(stream, max(broken_at, position) + 1)


def next_record_start(stream: BinaryIO, position: int) -> int | None:
    """The offset of the first record at or after `position`: a gzip member whose first
    bytes inflate to a WARC header, or a `WARC/1.0` (or 1.1) line. None when no record
    starts in the rest of the file."""
    stream.seek(0)
    gzipped = stream.read(2) == _GZIP_MAGIC[:2]
    if position == 0:
        return 0
    marker = _GZIP_MAGIC if gzipped else _PLAIN_MARKER
    stream.seek(position)
    base = position
    window = b""
    while True:
        chunk = stream.read(_SCAN_BYTES)
        if not chunk:
            return None
        window += chunk
        found = window.find(marker)
        while found >= 0:
            candidate = base + found
            if _starts_a_record(stream, candidate, gzipped):
                return candidate
            found = window.find(marker, found + 1)
        keep = len(marker) - 1
        base += len(window) - keep
        window = window[-keep:]
        stream.seek(base + keep)


def _starts_a_record(stream: BinaryIO, offset: int, gzipped: bool) -> bool:
    here = stream.tell()
    stream.seek(offset)
    head = stream.read(_HEAD_BYTES)
    stream.seek(here)
    if not gzipped:
        return head.startswith((b"WARC/1.0\r\n", b"WARC/1.1\r\n"))
    try:
        return zlib.decompressobj(31).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


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
            if record.format != "warc":
                # warcio takes a line of five words for an ARC record and reads on by
                # its "length": not a WARC, and never what was written here.
                raise ArchiveLoadFailed(f"a line that is no WARC header ({record.format})")
            yield from _one_record(record, records, base, name, ingested_at, max_page_bytes, keep)
    except _PARSE_ERRORS as error:
        broken_at = base + records.offset
        detail = f"no WARC record here ({error}); reading resumes at the next record"
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
    kind = record.rec_type
    if kind != "response":
        yield SKIPPED, f"warc_{kind}"
        return
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.http_headers is None:
        yield SKIPPED, "warc_not_http"
        return
    status = record.http_headers.get_statuscode()
    left_out = keep.before_reading(target) if keep else None
    if left_out:
        yield SKIPPED, left_out
        return
    if status is not None and status.startswith("3"):
        yield SKIPPED, "warc_redirect"
        return
    if status is not None and status != "200":
        yield SKIPPED, "warc_http_error"
        return
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if content_type and not content_type.startswith(_HTML_TYPES):
        yield SKIPPED, "warc_not_html"
        return
    page = record.content_stream().read(max_page_bytes + 1)
    cut_short = record.raw_stream.limit > 0 and len(page) <= max_page_bytes
    offset = base + records.get_record_offset()  # after the read: it reads to the end
    input_ref = f"{name}#{offset}"
    if len(page) > max_page_bytes:
        detail = f"larger than --max-page-bytes={max_page_bytes}"
        yield REJECT, ("page_too_large", detail, input_ref)
        return
    if cut_short:
        detail = f"{record.raw_stream.limit} bytes of the record missing (file cut short)"
        yield REJECT, ("warc_truncated", detail, input_ref)
        return
    if not content_type and b"<html" not in page[:2048].lower():
        yield SKIPPED, "warc_not_html"
        return
    content_language = record.http_headers.get_header("Content-Language")
    left_out = keep.before_extraction(page, content_language) if keep else None
    if left_out:
        yield SKIPPED, left_out
        return
    archived_at = _warc_date(record)
    found = html_record(input_ref, page, ingested_at, url=target, archived_at=archived_at)
    for kind, value in found:
        if kind == ARTICLE and keep:
            left_out = keep.after_extraction(value, page, content_language)
            if left_out:
                yield SKIPPED, left_out
                continue
        yield kind, value


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
