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
`warc_metadata`, `warc_redirect`, `warc_http_error`, `warc_not_html`,
`host_not_included`, ...), never read as an article and never lost from the count. A
record cut short (a truncated file, a gzip member that ends early) and a file that stops
parsing are rejects naming their offset, not a crashed run; records before them are kept.

Read with warcio (chosen over fastwarc in `bench/warc.py`: the reading is a small share
of a page's cost either way, and warcio reports a record cut short), streaming: one
record's page in memory at a time, bounded by `max_page_bytes`, however large the file.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsbeam.transforms.sources.article_files import REJECT, html_record

__all__ = ["SKIPPED", "warc_records"]

SKIPPED = "skipped"
"""The kind of a record that is no input: its value is the reason it was skipped."""

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PARSE_ERRORS = (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError)


def warc_records(
    stream: BinaryIO,
    name: str,
    ingested_at: datetime,
    max_page_bytes: int,
    include_hosts: frozenset[str] | None = None,
) -> Iterator[tuple[str, object]]:
    """`(ARTICLE, record)`, `(REJECT, (reason, detail, input))` or `(SKIPPED, reason)` for
    each record of one WARC file read from `stream` (gzipped or not: warcio tells).

    `include_hosts`: only pages of these hosts (and their subdomains) are read; the others
    are skipped before their page is parsed, so a filtered crawl costs little.
    """
    counted = _CountingReader(stream)
    records = ArchiveIterator(counted, arc2warc=True)
    try:
        for record in records:
            yield from _one_record(
                record, records, name, ingested_at, max_page_bytes, include_hosts
            )
    except _PARSE_ERRORS as error:
        detail = f"the file stops parsing here: {error}"
        yield REJECT, ("warc_unreadable", detail, f"{name}#{records.offset}")
        return
    counted.read_rest()
    if records.offset < counted.consumed:
        # warcio ends quietly at a gzip member cut short: what follows the last whole
        # record is a record that did not arrive whole.
        detail = f"{counted.consumed - records.offset} bytes after the last whole record"
        yield REJECT, ("warc_truncated", detail, f"{name}#{records.offset}")


def _one_record(record, records, name, ingested_at, max_page_bytes, include_hosts):
    kind = record.rec_type
    if kind != "response":
        yield SKIPPED, f"warc_{kind}"
        return
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    status = record.http_headers.get_statuscode() if record.http_headers else None
    if include_hosts is not None and not _host_included(target, include_hosts):
        yield SKIPPED, "host_not_included"
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
    offset = records.get_record_offset()  # after the read: it reads to the record's end
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
    yield from html_record(input_ref, page, ingested_at, url=target, archived_at=_warc_date(record))


def _host_included(url: str, hosts: frozenset[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    while host:
        if host in hosts:
            return True
        host = host.partition(".")[2]
    return False


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
    end), for telling a file that ended inside a record."""

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
