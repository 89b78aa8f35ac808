"""WARC files written with warcio, as a crawler writes them, for the archive-input tests:
responses (pages, redirects, errors, images) beside request and metadata records."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

__all__ = ["Record", "page", "write_warc"]


@dataclass
class Record:
    """One record to write: `kind` response, request, metadata or warcinfo."""

    kind: str
    url: str
    body: bytes = b""
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    date: str = "2024-05-06T07:08:09Z"


def page(url: str, html: str | bytes, **fields) -> Record:
    body = html.encode("utf-8") if isinstance(html, str) else html
    headers = [("Content-Type", "text/html; charset=utf-8")]
    return Record("response", url, body, headers=headers, **fields)


def write_warc(path: Path, records: Iterable[Record], gzip: bool = True) -> Path:
    """Writes the records in order, gzipped one member each (as crawlers do) or plain."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for record in records:
            warc_headers = {"WARC-Date": record.date}
            if record.kind == "response":
                http = StatusAndHeaders(record.status, record.headers, protocol="HTTP/1.1")
                writer.write_record(
                    writer.create_warc_record(
                        record.url,
                        "response",
                        payload=io.BytesIO(record.body),
                        http_headers=http,
                        warc_headers_dict=warc_headers,
                    )
                )
            else:
                writer.write_record(
                    writer.create_warc_record(
                        record.url,
                        record.kind,
                        payload=io.BytesIO(record.body),
                        warc_content_type="application/warc-fields",
                        warc_headers_dict=warc_headers,
                    )
                )
    return path
