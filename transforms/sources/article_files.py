"""Article files to raw article records: `.txt` with an optional header, `.html`, `.jsonl`.

Pure functions of (name, bytes): the Beam glue in `read_article_files` opens the files. Each
function yields `("article", record)` or `("reject", (reason, detail, input_ref))`, so bad
input is reported, never raised: a corrupt line in a JSONL file costs that line only.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from datetime import datetime

from newsbeam.transforms.records import DateSource, RawArticle, TextSource
from newsbeam.transforms.sources.dates import parse_published
from newsbeam.transforms.sources.html_pages import extract_page
from newsbeam.transforms.sources.redact import redact
from newsbeam.transforms.sources.text_decoding import UndecodableError, decode_text
from newsbeam.transforms.sources.text_headers import split_header
from newsbeam.transforms.sources.urls import stored_url
from newsbeam.transforms.sources.written_dates import all_names, full_names

__all__ = [
    "ARTICLE_EXTENSIONS",
    "extension_of",
    "format_of",
    "html_record",
    "parse_article_file",
    "raw_record",
    "split_authors",
]

ARTICLE_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
}
_COMPRESSED = (".gz", ".bz2", ".zst", ".deflate")

ARTICLE = "article"
REJECT = "reject"


def format_of(name: str) -> str | None:
    """`"a/b.html.gz"` -> `"html"`; None for extensions that hold no articles."""
    return ARTICLE_EXTENSIONS.get(extension_of(name))


def extension_of(name: str) -> str:
    """`"a/b.XML.gz"` -> `".xml"`: the extension under any compression's, lower case."""
    base = name.lower()
    for suffix in _COMPRESSED:
        base = base.removesuffix(suffix)
    return posixpath.splitext(base)[1]


# A byline's date, which trafilatura leaves in the author once it has dropped the digits:
# "by Jeff Foust<br>Monday, November 18, 2019" comes back as "Jeff Foust Monday; November".
# English names in full only: "May", "June" and "August" name people too, but never alone.
_WEEKDAYS = full_names("weekday", "en")
_MONTHS = full_names("month", "en")
# "David Gura, Apr 5, 2012" comes back as "David Gura; Apr": an abbreviation after a name is
# a date, one alone may be a name ("Jan").
_ABBREVIATED_MONTHS = all_names("month", "en") - _MONTHS
_TRAILING_WEEKDAY = re.compile(rf"[\s,]+(?:{'|'.join(sorted(_WEEKDAYS))})$", re.IGNORECASE)


def split_authors(byline: str | None) -> list[str]:
    """trafilatura joins several authors with "; "; a missing byline is no author, and a
    date it left in the byline is no author's name: a month alone is dropped, and so is a
    weekday, alone or closing the name before it ("Joe Friday" alone is a name), and a
    month's abbreviation after a name ("Jan" alone is a name)."""
    if not byline:
        return []
    names = [name.strip() for name in byline.split(";")]
    kept = []
    for name, following in zip(names, [*names[1:], ""], strict=True):
        if following.casefold() in _MONTHS:
            name = _TRAILING_WEEKDAY.sub("", name)
        if kept and name.casefold() in _ABBREVIATED_MONTHS:
            continue
        if name and name.casefold() not in _WEEKDAYS | _MONTHS:
            kept.append(name)
    return kept


def parse_article_file(
    name: str, data: bytes, ingested_at: datetime
) -> Iterator[tuple[str, object]]:
    """Raw article records of one file, or rejects saying why there are none."""
    kind = format_of(name)
    if kind is None:
        yield REJECT, ("unsupported_format", "not a .txt, .html or .jsonl file", name)
        return
    if not data.strip():
        yield REJECT, ("empty_file", "the file is empty", name)
        return
    if kind == "html":
        yield from html_record(name, data, ingested_at)
        return
    try:
        text = decode_text(data)
    except UndecodableError as error:
        yield REJECT, ("undecodable", str(error), name)
        return
    if kind == "txt":
        yield from _from_txt(name, text, ingested_at)
    else:
        yield from _from_jsonl(name, text, ingested_at)


def raw_record(
    input_ref: str,
    *,
    text: str,
    ingested_at: datetime,
    title=None,
    url=None,
    source=None,
    authors=(),
    published=None,
    date_source: str,
    text_source: str = TextSource.FILE,
    language=None,
    tags=(),
    feed_url=None,
    entry_key=None,
    region_hint=None,
    country_hint=None,
    page_failure: str | None = None,
) -> RawArticle:
    """The raw article record every source produces; `date` falls back to ingestion.

    Every text in it has its URLs' credentials and secret parameters redacted (a feed URL
    with a password, a link with `?token=`, a summary that quotes it): what a record does
    not hold no table can. `url` is kept only when it is an http(s) URL (`stored_url`).
    """
    parsed = parse_published(published, now=ingested_at) if published else None
    return {
        "input": redact(input_ref),
        "url": stored_url(url),
        "source": redact(source) if source else source,
        "title": redact(title) if title else title,
        "text": redact(text),
        "authors": [redact(author) for author in authors],
        "tags": [redact(tag) for tag in tags],
        "feed_url": redact(feed_url) if feed_url else feed_url,
        "entry_key": entry_key,
        "text_source": text_source,
        "published_at": parsed.published_at if parsed else None,
        "date": parsed.day if parsed else ingested_at.date(),
        "date_source": date_source if parsed else DateSource.INGESTED,
        "language_hint": language,
        "region_hint": region_hint,
        "country_hint": country_hint,
        "ingested_at": ingested_at,
        "page_failure": redact(page_failure) if page_failure else None,
    }


def _from_txt(name: str, text: str, ingested_at: datetime) -> Iterator[tuple[str, object]]:
    header, body = split_header(text)
    yield (
        ARTICLE,
        raw_record(
            name,
            text=body,
            ingested_at=ingested_at,
            title=header.get("title"),
            url=header.get("url"),
            source=header.get("source"),
            published=header.get("date"),
            date_source=DateSource.HEADER,
        ),
    )


def html_record(
    name: str,
    data: bytes,
    ingested_at: datetime,
    *,
    url=None,
    source=None,
    published=None,
    title=None,
    archived_at: datetime | None = None,
) -> Iterator[tuple[str, object]]:
    """The record of one HTML page (or its reject). `published` (a record's own date) wins
    over the page's; `archived_at`, when the page was archived, stands in for a page
    without a date (`date_source` `archive`)."""
    try:
        page = extract_page(data, url=url)
    except (ValueError, TypeError) as error:  # lxml's parse errors are ValueErrors
        yield REJECT, ("unparseable_html", str(error), name)
        return
    if page is None:
        yield REJECT, ("no_main_text", "no article text found in the page", name)
        return
    page_published = page.published
    date_source = DateSource.RECORD if published else page.date_source
    if not (published or page_published) and archived_at is not None:
        page_published, date_source = archived_at.isoformat(), DateSource.ARCHIVE
    yield (
        ARTICLE,
        raw_record(
            name,
            text=page.text,
            ingested_at=ingested_at,
            title=title or page.title,
            url=url or page.url,
            source=source or page.sitename,
            authors=split_authors(page.author),
            text_source=TextSource.PAGE,
            published=published or page_published,
            date_source=date_source,
            language=page.language,
        ),
    )


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: object) -> object:
    """JSON may escape half of a UTF-16 pair alone (`\\ud800`): that is no character, and
    nothing downstream can encode it (Beam's coders, Parquet). Such halves become U+FFFD,
    as undecodable bytes do; a whole pair is one character already."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: _without_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    return value


def _from_jsonl(name: str, text: str, ingested_at: datetime) -> Iterator[tuple[str, object]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        input_ref = f"{name}:{number}"
        try:
            item = json.loads(line)
        except ValueError as error:
            yield REJECT, ("invalid_json", f"line {number}: {error}", input_ref)
            continue
        if not isinstance(item, dict):
            yield REJECT, ("invalid_record", f"line {number} is not a JSON object", input_ref)
            continue
        if _SURROGATE_ESCAPE.search(line):
            item = _without_lone_surrogates(item)
        fields = {key: item.get(key) for key in ("url", "title", "published", "source")}
        fields = {key: value if isinstance(value, str) else None for key, value in fields.items()}
        body, html = item.get("text"), item.get("html")
        if isinstance(body, str) and body.strip():
            yield (
                ARTICLE,
                raw_record(
                    input_ref,
                    text=body,
                    ingested_at=ingested_at,
                    date_source=DateSource.RECORD,
                    **fields,
                ),
            )
        elif isinstance(html, str) and html.strip():
            yield from html_record(input_ref, html.encode("utf-8"), ingested_at, **fields)
        else:
            yield REJECT, ("no_text", "record has neither `text` nor `html`", input_ref)
