"""Which copy of an article is kept, and the `duplicates` row of each other copy.

Shared by exact and near dedupe, so both pick the same canonical copy and write the same row.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time

from newsbeam.transforms.records import CleanArticle, DateSource, DuplicateRow

__all__ = ["DUPLICATES_TAG", "REVISION", "canonical_order", "duplicate_row", "revision_row"]

DUPLICATES_TAG = "duplicates"
REVISION = "revision"
"""The kind of a `duplicates` row whose text differs from the article kept under its id: a
corrected story, or a URL reused. The first version written stays the article."""


def canonical_order(article: dict) -> tuple:
    """Sort key that puts the copy to keep first: earliest published, then smallest id.

    A date-only publication counts as the start of its day; an article whose date is only
    the ingestion date comes after every dated one. Copies under one URL (the same entry
    in two feeds) are told apart by input, feed and source, so the choice never depends on
    arrival order.
    """
    published = article.get("published_at") or datetime.combine(article["date"], time(), UTC)
    return (
        article["date_source"] == DateSource.INGESTED,
        published,
        article["id"],
        article["input"],
        article.get("feed_url") or "",
        article.get("source") or "",
    )


def duplicate_row(
    duplicate: CleanArticle, kept: CleanArticle, kind: str, similarity: float | None = 1.0
) -> DuplicateRow:
    """A `duplicates` row recording that `duplicate` is a copy of `kept`.

    A copy under the same id as the article kept (the same URL, or identical text with no
    URL) gets an id of its own, from its input (and its feed entry: three feeds carrying
    one link are three inputs of one name), so no row points to itself and two copies
    never share a key.
    """
    copy_id = duplicate["id"]
    if copy_id == kept["id"]:
        own = f"{copy_id}\x1f{duplicate['input']}"
        if duplicate.get("entry_key"):
            own += f"\x1f{duplicate['entry_key']}"
        copy_id = hashlib.sha256(own.encode()).hexdigest()[:32]
    return _row(duplicate, copy_id, kept["id"], kind, similarity)


def revision_row(revision: CleanArticle, kept_id: str) -> DuplicateRow:
    """A `duplicates` row of kind `revision`: `revision` has the id of an article kept
    (`kept_id`) and another text. Its own id comes from that id and its text, so each
    version is recorded once, however often it is read again. A revision found when
    writing (an article an earlier run wrote) keeps the story it was given."""
    version = f"{kept_id}\x1f{revision['content_hash']}"
    revision_id = hashlib.sha256(version.encode()).hexdigest()[:32]
    row = _row(revision, revision_id, kept_id, REVISION, None)
    if "story_id" in revision:
        # Found by the writer, after stories: the version was placed in its article's
        # story (the one already written), which the row keeps.
        row["story_id"] = revision["story_id"]
    return row


def _row(
    duplicate: CleanArticle, copy_id: str, kept_id: str, kind: str, similarity: float | None
) -> DuplicateRow:
    return {
        "id": copy_id,
        "duplicate_of": kept_id,
        "kind": kind,
        "similarity": similarity,
        "url": duplicate.get("url"),
        "source": duplicate.get("source"),
        "date": duplicate["date"],
        "input": duplicate["input"],
        "ingested_at": duplicate["ingested_at"],
        "content_hash": duplicate.get("content_hash"),
    }
