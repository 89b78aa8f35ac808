"""The records that flow between stages, and the reject row every stage emits.

    sources -> RawArticle -> clean -> CleanArticle -> dedupe -> extract -> ArticleRow
    dedupe -> DuplicateRow (each copy)            any stage -> RejectRow (each reject)

Elements are dicts keyed by the column names of `newsbeam.schemas`, so that writing a row
is a lookup, not a mapping; a stage builds a new dict instead of mutating its input.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, NamedTuple, TypedDict

from newsbeam.transforms.sources.redact import redact

__all__ = [
    "ArticleRow",
    "CleanArticle",
    "DateSource",
    "DuplicateRow",
    "RawArticle",
    "RejectRow",
    "TextSource",
    "REJECTS_TAG",
    "Stage",
    "Tagged",
    "reject",
]

REJECTS_TAG = "rejects"


class TextSource:
    """Values of `articles.text_source`: where the article's text came from."""

    FILE = "file"
    PAGE = "page"
    FEED = "feed"


class DateSource:
    """Values of `articles.date_source`: where the article's date came from."""

    HEADER = "header"
    HTML_METADATA = "html_metadata"
    URL = "url"
    DATELINE = "dateline"
    RECORD = "record"
    FEED = "feed"
    ARCHIVE = "archive"
    INGESTED = "ingested"


class RawArticle(TypedDict):
    """What every source yields (`article_files.raw_record`): text as found, before cleaning.

    `date` falls back to the ingestion day when no publication date was found
    (`date_source` then says `ingested`); the hints come from a feed's configuration or a
    file's header and are used only when the text itself says nothing (`country_hint`, the
    outlet's home country, says which of several cities of one name a text means).
    """

    input: str
    url: str | None
    source: str | None
    title: str | None
    text: str
    authors: list[str]
    tags: list[str]
    feed_url: str | None
    entry_key: str | None
    """A feed entry's key (its feed and its identity there), None for other inputs: the
    `input` of an entry is its link, and one link can be many entries."""
    text_source: str
    published_at: datetime | None
    date: date
    date_source: str
    language_hint: str | None
    region_hint: str | None
    country_hint: str | None
    ingested_at: datetime
    page_failure: str | None
    """Why a feed entry's page was not read when the feed's text stands in for it
    (`page_dns_failure: ...`): a reject of that text says so. Not a column."""


class CleanArticle(RawArticle):
    """After `clean`: normalised text and title, and the article's stable identity."""

    word_count: int
    content_hash: str
    id: str


class ArticleRow(TypedDict):
    """A row of the `articles` table (`newsbeam.schemas.ARTICLES` gives its types)."""

    id: str
    url: str | None
    source: str | None
    title: str | None
    text: str
    published_at: datetime | None
    date: date
    date_source: str
    region: str
    countries: list[str]
    main_country: str | None
    language: str | None
    ner_model: str | None
    extraction_ms: float | None
    persons: list[str]
    organizations: list[str]
    locations: list[str]
    entities: list[dict]
    quotes: list[dict]
    authors: list[str]
    tags: list[str]
    feed_url: str | None
    text_source: str
    input: str
    content_hash: str
    word_count: int
    duplicate_count: int
    ingested_at: datetime
    schema_version: int


class DuplicateRow(TypedDict):
    """A row of the `duplicates` table: a copy, and the id of the article kept for it."""

    id: str
    duplicate_of: str
    kind: str
    similarity: float | None
    url: str | None
    source: str | None
    date: date
    input: str
    ingested_at: datetime
    content_hash: str | None


class RejectRow(TypedDict):
    """A row of the `rejects` table: an input no stage could make an article of, and why."""

    reject_id: str
    input: str
    stage: str
    reason: str
    detail: str | None
    source: str | None
    ingested_at: datetime


class Stage:
    """Names of the stages that can reject an input; they appear in `rejects.stage`."""

    FEED = "feed"
    FETCH = "fetch"
    READ = "read"
    CLEAN = "clean"
    EXTRACT = "extract"
    WRITE = "write"


def reject(
    input_ref: str,
    stage: str,
    reason: str,
    detail: str | None,
    ingested_at: datetime,
    source: str | None = None,
    occasion: str | None = None,
) -> RejectRow:
    """A `rejects` row. `reason` is a short code to group by; `detail` a sentence for people.

    The id depends only on what was rejected and why, so a re-run does not add it twice;
    `occasion` tells apart inputs that recur under one name: each poll of a feed is an input
    of its own, and a feed that fails in three windows is three rows, not one kept thrice;
    a feed entry is told apart by its `entry_key`, since one link can be many entries (a
    podcast's episodes all linking to its site, two feeds carrying one story).
    Input, detail and source are redacted (`newsbeam.transforms.sources.redact`): a feed
    that failed is named, and its error quoted, without the credentials in its URL. The
    detail is cut after that, since a cut URL could keep a password and lose its `@`.
    """
    input_ref = redact(input_ref)
    detail = redact(detail) if detail else detail
    key = f"{input_ref}\x1f{stage}\x1f{reason}".encode()
    if occasion is not None:
        key += f"\x1f{occasion}".encode()
    return {
        "reject_id": hashlib.sha256(key).hexdigest()[:32],
        "input": input_ref,
        "stage": stage,
        "reason": reason,
        "detail": detail[:500] if detail else detail,
        "source": redact(source) if source else source,
        "ingested_at": ingested_at,
    }


class Tagged(NamedTuple):
    """An element meant for a side output (rejects, duplicates, states), yielded as a plain
    value by a DoFn with one output, and sorted out by `SplitOutputs`.

    newsbeam does not use multi-output `ParDo`s (`TaggedOutput` with `with_outputs`):
    Beam's DaskRunner (2.77) sends every output of such a ParDo to each tagged output.
    """

    tag: str
    value: Any
